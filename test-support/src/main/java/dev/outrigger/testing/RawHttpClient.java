package dev.outrigger.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a plain socket, for tests that must control every byte:
 * pipelining, {@code Expect: 100-continue}, odd Host headers, reading a connection's close.
 */
public final class RawHttpClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port with a 10 s read timeout. */
    public static RawHttpClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return new RawHttpClient(s);
    }

    /** A client over an already connected socket (reads time out after 10 s). */
    public static RawHttpClient over(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        return new RawHttpClient(s);
    }

    /** Sets how long a read may block. */
    public RawHttpClient readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /** Sends these bytes (ISO-8859-1) as they are. */
    public RawHttpClient send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends these bytes as they are. */
    public RawHttpClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Sends a request with {@code Host: host} and the given extra headers and body, then reads the response. */
    public Response request(String method, String target, String host, Map<String, String> headers, String body)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(host).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            sb.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        sb.append("\r\n");
        send(sb.toString());
        if (bytes.length > 0) {
            send(bytes);
        }
        return read("HEAD".equals(method));
    }

    /** GET with {@code Host: localhost}. */
    public Response get(String target) throws IOException {
        return request("GET", target, "localhost", Map.of(), null);
    }

    /** Reads one response (body framed by content-length, chunked encoding, or the connection's close). */
    public Response read() throws IOException {
        return read(false);
    }

    /** Reads one response; {@code headOnly} for the answer to a HEAD request, which has no body. */
    public Response read(boolean headOnly) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        Response head = new Response(status, parts.length > 2 ? parts[2] : "", headers, new byte[0]);
        if (headOnly || status / 100 == 1 || status == 204 || status == 304) {
            return head;
        }
        byte[] body;
        String te = head.header("transfer-encoding");
        String cl = head.header("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked();
        } else if (cl != null) {
            int length = Integer.parseInt(cl);
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("connection closed inside the body: got " + body.length + " of " + length);
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, head.reason(), headers, body);
    }

    /** True if the server closed the connection (end of stream) within the read timeout. */
    public boolean isClosedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // a reset is a close too
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                for (String trailer; (trailer = readLine()) != null && !trailer.isEmpty(); ) {
                    // trailers are not needed by the tests
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A response as read off the wire.
     *
     * @param status the status code
     * @param reason the reason phrase
     * @param headers headers in arrival order
     * @param body the body bytes
     */
    public record Response(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body) {

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        /** Every value of a header, in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
