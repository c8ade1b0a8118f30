package dev.outrigger.sidecar.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.sidecar.downstream.ChainInstaller;
import dev.outrigger.sidecar.downstream.DetectedProtocol;
import dev.outrigger.sidecar.downstream.ListenerContext;
import dev.outrigger.sidecar.listener.FilterChainConfig;
import dev.outrigger.sidecar.listener.FilterChainMatch;
import dev.outrigger.sidecar.listener.ListenerConfig;
import dev.outrigger.sidecar.listener.ProtocolDetection;
import dev.outrigger.sidecar.listener.TcpProxyConfig;
import dev.outrigger.sidecar.metrics.ProxyMetrics;
import dev.outrigger.sidecar.route.ClusterWeight;
import dev.outrigger.sidecar.transport.Transport;
import dev.outrigger.sidecar.upstream.ClusterManager;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The detection handler on an embedded channel with a chain installer that records what it is
 * asked to install: which chain each protocol selects, and that the installed handlers see the
 * connection from its start (channelActive once, then every byte, in order).
 */
class ProtocolDetectionHandlerTest {

    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    private final ProxyMetrics metrics = new ProxyMetrics();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        metrics.close();
    }

    /** What the installer was asked to do, and what the handler it installed saw. */
    private static final class Recorder extends ChannelInboundHandlerAdapter implements ChainInstaller {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String chain;
        DetectedProtocol protocol;

        @Override
        public void install(Channel channel, ListenerContext listener, FilterChainConfig c, DetectedProtocol p) {
            events.add("install");
            chain = c.name();
            protocol = p;
            channel.pipeline().addLast(this);
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.add("active");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            events.add("read:" + buf.readableBytes());
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            bytes.writeBytes(b);
            buf.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add("event:" + evt.getClass().getSimpleName());
        }

        String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static FilterChainConfig chain(String name, String transport, String... apps) {
        return FilterChainConfig.tcp(name, new FilterChainMatch(0, transport, List.of(apps)),
                new TcpProxyConfig(name, List.of(new ClusterWeight("c", 1)), Duration.ZERO));
    }

    /** The listener of the end-to-end setup: HTTP chains by application protocol, TLS by transport, a default. */
    private ListenerContext listener(boolean withDefault, ProtocolDetection detection) {
        ListenerConfig config = new ListenerConfig("l", new InetSocketAddress("127.0.0.1", 0),
                List.of(chain("http1", "", "http/1.1"), chain("h2c", "", "h2c"), chain("tls", FilterChainMatch.TLS)),
                withDefault ? chain("default", "") : null, detection);
        return new ListenerContext(config, new ClusterManager(Map.of(), metrics, Transport.nio()),
                metrics.listener("l"));
    }

    private ListenerContext listener() {
        return listener(true, new ProtocolDetection(true, true, TIMEOUT));
    }

    private EmbeddedChannel channel(ListenerContext listener, Recorder recorder) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        channels.add(ch);
        ch.pipeline().addLast(new ProtocolDetectionHandler(listener, recorder));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private double scraped(String series) {
        for (String line : metrics.scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void theHttp2PrefaceArrivingInPiecesSelectsTheH2cChain() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ch.writeInbound(ascii(PREFACE.substring(0, 3)));
        ch.writeInbound(ascii(PREFACE.substring(3, 20)));
        assertNull(recorder.chain, "undecided before the whole preface");
        ch.writeInbound(ascii(PREFACE.substring(20) + "\0\0\022\004"));
        assertEquals("h2c", recorder.chain);
        assertEquals(DetectedProtocol.HTTP2, recorder.protocol);
        assertEquals(List.of("install", "active", "read:28", "readComplete"), recorder.events.subList(0, 4));
        assertEquals(PREFACE + "\0\0\022\004", recorder.text());
        assertNull(ch.pipeline().get(ProtocolDetectionHandler.class), "detection steps aside");

        ch.writeInbound(ascii("more"));
        assertEquals(PREFACE + "\0\0\022\004more", recorder.text(), "later bytes go straight to the chain");
        assertEquals(1.0, scraped("outrigger_downstream_cx_detected_total{listener=\"l\",protocol=\"http2\"}"));
    }

    @Test
    void anHttp1RequestByteByByteSelectsTheHttp1ChainAtTheSpace() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        for (char c : "GET".toCharArray()) {
            ch.writeInbound(ascii(String.valueOf(c)));
            assertNull(recorder.chain);
        }
        ch.writeInbound(ascii(" "));
        assertEquals("http1", recorder.chain);
        assertEquals(DetectedProtocol.HTTP1, recorder.protocol);
        assertEquals(List.of("install", "active", "read:4", "readComplete"), recorder.events.subList(0, 4));
        ch.writeInbound(ascii("/ HTTP/1.1\r\n"));
        assertEquals("GET / HTTP/1.1\r\n", recorder.text());
    }

    @Test
    void aTlsClientHelloSelectsTheTlsTransportChain() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0, 0, 1, 3}));
        assertEquals("tls", recorder.chain);
        assertEquals(DetectedProtocol.TLS, recorder.protocol);
        assertEquals(10, recorder.bytes.size());
    }

    @Test
    void otherBytesGoToTheDefaultChainAtOnce() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ch.writeInbound(ascii("hello"));
        assertEquals("default", recorder.chain);
        assertEquals(DetectedProtocol.OTHER, recorder.protocol);
        assertEquals("hello", recorder.text());
        assertTrue(ch.isOpen());
    }

    @Test
    void undecidedBytesAtTheTimeoutAreOther() {
        Recorder recorder = new Recorder();
        ListenerContext listener = listener();
        EmbeddedChannel ch = channel(listener, recorder);
        ch.writeInbound(ascii("GE"));
        ch.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(recorder.chain, "not before the timeout");
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("default", recorder.chain);
        assertEquals(DetectedProtocol.OTHER, recorder.protocol);
        assertEquals("GE", recorder.text());
        assertEquals(0, listener.serverFirstPorts().size(), "the client did speak");
    }

    @Test
    void aSilentClientIsSilentAtTheTimeoutAndItsPortSkipsTheWaitAfterwards() {
        ListenerContext listener = listener();
        Recorder first = new Recorder();
        EmbeddedChannel ch = channel(listener, first);
        ch.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("default", first.chain);
        assertEquals(DetectedProtocol.SILENT, first.protocol);
        assertEquals(List.of("install", "active"), first.events);
        assertTrue(listener.serverFirstPorts().contains(0), "an embedded channel's port is 0");

        Recorder second = new Recorder();
        channel(listener, second);
        assertEquals(DetectedProtocol.SILENT, second.protocol, "decided without waiting");
        assertEquals(List.of("install", "active"), second.events);
        assertEquals(2.0, scraped("outrigger_downstream_cx_detected_total{listener=\"l\",protocol=\"silent\"}"));
    }

    @Test
    void withoutATimeoutASilentClientWaits() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(true, new ProtocolDetection(true, true, Duration.ZERO)), recorder);
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertNull(recorder.chain);
        ch.writeInbound(ascii("PUT "));
        assertEquals("http1", recorder.chain);
    }

    @Test
    void noMatchingChainClosesTheConnectionAndCountsIt() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(false, new ProtocolDetection(true, true, TIMEOUT)), recorder);
        ch.writeInbound(ascii("hello"));
        assertNull(recorder.chain);
        assertFalse(ch.isOpen());
        assertEquals(1.0, scraped("outrigger_downstream_rq_local_error_total{listener=\"l\",reason=\"no_filter_chain\"}"));
        assertEquals(1.0, scraped("outrigger_downstream_cx_detected_total{listener=\"l\",protocol=\"other\"}"));
    }

    @Test
    void theEndOfInputDecidesWithWhatArrived() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ch.writeInbound(ascii("PU"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("default", recorder.chain);
        assertEquals(DetectedProtocol.OTHER, recorder.protocol);
        assertEquals("PU", recorder.text());
        // An embedded channel has no half-closure: the transport would have closed it; so does detection.
        assertFalse(ch.isOpen());
    }

    @Test
    void aClientThatLeavesWithoutAWordIsClosedWithoutAChain() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertNull(recorder.chain);
        assertFalse(ch.isOpen());
    }

    @Test
    void bytesHeldDuringDetectionAreReleasedWhenTheClientLeaves() {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = channel(listener(), recorder);
        ByteBuf partial = ascii("GE");
        ch.writeInbound(partial);
        ch.close();
        assertEquals(0, partial.refCnt());
        assertNull(recorder.chain);
    }
}
