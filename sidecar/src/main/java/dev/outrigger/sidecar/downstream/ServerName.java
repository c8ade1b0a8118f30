package dev.outrigger.sidecar.downstream;

import io.netty.util.AttributeKey;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/** The server name (SNI) a TLS client asked for, kept on its connection for filters to read. */
public final class ServerName {

    /** The attribute of a connection: the SNI host name, "" when the client sent none. */
    public static final AttributeKey<String> KEY = AttributeKey.valueOf(ServerName.class, "sni");

    private ServerName() {
    }

    /** The SNI host name of {@code session}, lower-case, "" without one. */
    public static String of(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            try {
                List<SNIServerName> names = extended.getRequestedServerNames();
                for (SNIServerName name : names) {
                    if (name instanceof SNIHostName host) {
                        return host.getAsciiName().toLowerCase(java.util.Locale.ROOT);
                    }
                }
            } catch (UnsupportedOperationException e) {
                return "";
            }
        }
        return "";
    }

    /** The SNI of the connection {@code channel} belongs to (itself or an HTTP/2 stream's parent), "" without. */
    public static String of(io.netty.channel.Channel channel) {
        io.netty.channel.Channel connection = channel instanceof io.netty.handler.codec.http2.Http2StreamChannel
                ? channel.parent() : channel;
        String name = connection.attr(KEY).get();
        return name == null ? "" : name;
    }
}
