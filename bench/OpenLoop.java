import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP/1.1 load generator: requests leave at a fixed global rate on an even schedule
 * computed in advance (request i is due at start + i / rate), and each latency is measured from
 * the request's scheduled time, not from when a connection happened to be free to send it. A
 * request that has to wait for a connection is late, and that wait is part of its latency, so
 * coordinated omission is counted.
 *
 * <pre>
 * java bench/OpenLoop.java --url http://127.0.0.1:8080/ --rate 2000 --connections 50 \
 *     --duration 10 [--warmup 2] [--churn] [--cpu-pid PID] [--spin-us US] [--drain 2]
 * </pre>
 *
 * Keep-alive mode (default): N connections; a due request goes to an idle connection, or waits
 * in one global FIFO until a connection frees up (no pipelining). Churn mode ({@code --churn}):
 * N workers, each request on a new connection with {@code Connection: close}; the connect is
 * part of the latency.
 *
 * Prints one JSON object on stdout. Requests scheduled during {@code --warmup} are sent but not
 * recorded. With {@code --cpu-pid}, {@code cpu_ticks} is that process's utime+stime (clock
 * ticks, from /proc/PID/stat) over the measured window only ({@code cpu_window_s} long: from the
 * first measured request's due time until every measured request is answered or the drain
 * deadline passes), so a warm-up does not count.
 *
 * Whether the rate was really offered and served shows in {@code rps} (measured requests answered
 * per second, from the window's start to the last answer: below {@code target_rps} when a backlog
 * formed), {@code served_rps} (answers to any request, warm-up ones included, during the measured
 * schedule: what the target and this generator managed even when the measured requests are stuck
 * behind a backlog) and {@code send_lag_*} (how late requests left, waiting for a free connection
 * included).
 */
public final class OpenLoop {

    private String host;
    private int port;
    private String path;
    private double rate;
    private int connections = 50;
    private double durationS = 10;
    private double warmupS = 0;
    private double drainS = 2;
    private boolean churn;
    private int cpuPid = -1;
    private long spinNs = -1; // default: min(150 us, a quarter of the interval between requests)

    private byte[] request;
    private long start;
    private int warmupCount;
    private int measuredCount;
    private long[] due;

    // Per measured request: latency in ns (-1 = no response), HTTP status.
    private long[] latency;
    private int[] status;
    private long[] sendLag;
    private final AtomicLong connectErrors = new AtomicLong();
    private final AtomicLong completedMeasured = new AtomicLong();
    private final AtomicLong servedInWindow = new AtomicLong(); // answers during the measured schedule
    private long windowStart;
    private long scheduleEnd;
    private volatile long lastCompletion;

    private final Object lock = new Object();
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
    private volatile boolean stopping;

    public static void main(String[] args) throws Exception {
        OpenLoop loop = new OpenLoop();
        try {
            loop.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("OpenLoop: " + e.getMessage());
            System.err.println("usage: java bench/OpenLoop.java --url http://HOST:PORT/PATH --rate REQ_PER_S"
                    + " [--connections N] [--duration S] [--warmup S] [--churn] [--cpu-pid PID]"
                    + " [--spin-us US] [--drain S]");
            System.exit(2);
        }
        System.out.println(loop.run());
        System.exit(0);
    }

    private void parse(String[] args) {
        String url = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--churn")) {
                churn = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--rate" -> rate = Double.parseDouble(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--duration" -> durationS = Double.parseDouble(v);
                case "--warmup" -> warmupS = Double.parseDouble(v);
                case "--drain" -> drainS = Double.parseDouble(v);
                case "--cpu-pid" -> cpuPid = Integer.parseInt(v);
                case "--spin-us" -> spinNs = Long.parseLong(v) * 1000;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null || !url.startsWith("http://")) {
            throw new IllegalArgumentException("--url http://HOST:PORT/PATH is required");
        }
        String rest = url.substring("http://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        path = slash < 0 ? "/" : rest.substring(slash);
        int colon = authority.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--url needs an explicit port");
        }
        host = authority.substring(0, colon);
        port = Integer.parseInt(authority.substring(colon + 1));
        if (rate <= 0 || connections <= 0 || durationS <= 0 || warmupS < 0) {
            throw new IllegalArgumentException("--rate, --connections and --duration must be > 0");
        }
        request = ("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: openloop\r\n"
                + (churn ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private String run() throws Exception {
        if (spinNs < 0) {
            // Parking oversleeps by ~50-100 us, so the last stretch before a send is spun; at high
            // rates a short spin is enough and leaves the core to the origin and the readers.
            spinNs = Math.min(150_000, (long) (1e9 / rate / 4));
        }
        warmupCount = (int) Math.round(warmupS * rate);
        measuredCount = (int) Math.round(durationS * rate);
        int total = warmupCount + measuredCount;
        latency = new long[measuredCount];
        Arrays.fill(latency, -1);
        status = new int[measuredCount];
        sendLag = new long[measuredCount];

        Conn[] conns = new Conn[connections];
        for (int c = 0; c < connections; c++) {
            conns[c] = new Conn(c);
            if (!churn) {
                conns[c].connect(); // failures are counted; the connection retries when used
            }
        }
        for (Conn c : conns) {
            if (churn) {
                idle.addLast(c);
            }
            c.thread.start(); // a keep-alive connection joins the idle queue once connected
        }
        start = System.nanoTime() + 20_000_000; // let the threads settle
        due = new long[total];
        for (int i = 0; i < total; i++) {
            due[i] = start + (long) (i * 1e9 / rate);
        }

        long[] cpuBefore = null;
        long cpuFrom = 0;
        windowStart = start + (long) (warmupCount * 1e9 / rate);
        scheduleEnd = start + (long) (total * 1e9 / rate);
        for (int i = 0; i < total; i++) {
            if (i == warmupCount) {
                waitUntil(due[i]);
                cpuBefore = cpuTicks();
                cpuFrom = System.nanoTime();
            }
            waitUntil(due[i]);
            dispatch(i);
        }
        long deadline = scheduleEnd + (long) (drainS * 1e9);
        while (completedMeasured.get() < measuredCount && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        long[] cpuAfter = cpuTicks();
        double cpuWindowS = (System.nanoTime() - cpuFrom) / 1e9;
        stopping = true;
        return report(cpuBefore, cpuAfter, cpuWindowS);
    }

    private void waitUntil(long t) {
        long now;
        while ((now = System.nanoTime()) < t) {
            long remaining = t - now;
            if (remaining > spinNs) {
                LockSupport.parkNanos(remaining - spinNs); // parking oversleeps by ~50-100 us
            } else {
                Thread.yield(); // spin, but let the origin and readers on this core run first
            }
        }
    }

    /** Hands request i to an idle connection, or queues it until one frees up. */
    private void dispatch(int i) {
        Conn c;
        synchronized (lock) {
            c = idle.pollFirst();
            if (c == null) {
                pending.addLast(i);
                return;
            }
            c.current = i;
        }
        c.start(i);
    }

    private void record(int i, int httpStatus, long sentAt, long doneAt) {
        if (httpStatus > 0 && doneAt >= windowStart && doneAt <= scheduleEnd) {
            servedInWindow.incrementAndGet();
        }
        int m = i - warmupCount;
        if (m < 0) {
            return;
        }
        sendLag[m] = sentAt - due[i];
        if (httpStatus > 0) {
            latency[m] = doneAt - due[i];
        }
        status[m] = httpStatus > 0 ? httpStatus : -1; // written last: the report reads it first
        lastCompletion = doneAt;
        completedMeasured.incrementAndGet();
    }

    /**
     * One client connection (keep-alive) or worker (churn) with its own thread. A request is
     * assigned under {@code lock} (field {@code current}); only this connection's thread records
     * its outcome, so a request is recorded exactly once even when the connection breaks.
     */
    private final class Conn implements Runnable {
        final Thread thread;
        Socket socket; // changed only by this connection's thread once it runs
        InputStream in;
        volatile OutputStream out;
        final byte[] buf = new byte[64 * 1024];
        int bufPos;
        int bufLen;
        int current = -1; // guarded by lock
        volatile long sentAt;

        Conn(int id) {
            thread = new Thread(this, "conn-" + id);
            thread.setDaemon(true);
        }

        boolean connect() {
            closeSocket();
            try {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), 2000);
                socket = s;
                in = s.getInputStream();
                out = s.getOutputStream();
                bufPos = bufLen = 0;
                return true;
            } catch (IOException e) {
                connectErrors.incrementAndGet();
                return false;
            }
        }

        void closeSocket() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
                out = null;
            }
        }

        /**
         * Starts request i, just assigned to this connection. Keep-alive: the calling thread
         * writes it at once (no hand-off; this connection's thread is already blocked reading
         * for the response). Churn: wakes this connection's thread, which connects and sends.
         */
        void start(int i) {
            if (churn) {
                LockSupport.unpark(thread);
                return;
            }
            sentAt = System.nanoTime();
            OutputStream o = out;
            try {
                o.write(request);
            } catch (IOException | NullPointerException e) {
                // This connection's thread sees the broken socket and records the failure.
            }
        }

        /** The request is over: take the next queued one (returned), or become idle (-1). */
        int finish() {
            synchronized (lock) {
                Integer next = pending.pollFirst();
                current = next == null ? -1 : next;
                if (next == null) {
                    idle.addLast(this);
                }
                return current;
            }
        }

        int takeCurrent() {
            synchronized (lock) {
                idle.remove(this);
                int i = current;
                current = -1;
                return i;
            }
        }

        @Override
        public void run() {
            if (churn) {
                runChurn();
            } else {
                runKeepAlive();
            }
        }

        private void runKeepAlive() {
            boolean needsWork = true; // not idle and not busy: must call finish()
            while (!stopping) {
                if (socket == null) {
                    if (!connect()) {
                        LockSupport.parkNanos(50_000_000);
                        continue;
                    }
                    needsWork = true;
                }
                if (needsWork) {
                    needsWork = false;
                    int next = finish();
                    if (next >= 0) {
                        start(next);
                    }
                }
                long r;
                try {
                    r = readResponse(); // blocks while idle: the next response is for the next request
                } catch (IOException | RuntimeException e) {
                    int i = takeCurrent();
                    if (i >= 0) {
                        record(i, 0, sentAt, System.nanoTime());
                    }
                    closeSocket();
                    continue;
                }
                long done = System.nanoTime();
                int i = takeCurrent();
                if (i >= 0) {
                    record(i, (int) (r & 0xffff), sentAt, done);
                }
                if (i < 0 || (r >>> 16) != 0) {
                    closeSocket(); // the server closes, or sent a response nobody asked for
                }
                needsWork = true;
            }
        }

        private void runChurn() {
            while (!stopping) {
                int i;
                synchronized (lock) {
                    i = current;
                }
                if (i < 0) {
                    LockSupport.park(this);
                    continue;
                }
                long sent = System.nanoTime();
                int code = 0;
                if (connect()) {
                    try {
                        out.write(request);
                        code = (int) (readResponse() & 0xffff);
                    } catch (IOException | RuntimeException e) {
                        code = 0;
                    }
                }
                closeSocket();
                record(i, code, sent, System.nanoTime());
                finish();
            }
        }

        private int readByte() throws IOException {
            if (bufPos == bufLen) {
                bufLen = in.read(buf, 0, buf.length);
                bufPos = 0;
                if (bufLen <= 0) {
                    bufLen = 0;
                    throw new IOException("connection closed");
                }
            }
            return buf[bufPos++] & 0xff;
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = readByte()) != '\n') {
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                if (bufPos == bufLen) {
                    bufLen = in.read(buf, 0, buf.length);
                    bufPos = 0;
                    if (bufLen <= 0) {
                        bufLen = 0;
                        throw new IOException("connection closed in body");
                    }
                }
                int k = (int) Math.min(n, bufLen - bufPos);
                bufPos += k;
                n -= k;
            }
        }

        /** Reads one response; returns the status, plus 1 << 16 when the connection must close. */
        private long readResponse() throws IOException {
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("bad status line");
            }
            int code = Integer.parseInt(statusLine.substring(9, 12));
            long contentLength = -1;
            boolean chunked = false;
            boolean close = statusLine.startsWith("HTTP/1.0");
            String line;
            while (!(line = readLine()).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
                    default -> { }
                }
            }
            if (chunked) {
                long size;
                while ((size = Long.parseLong(stripExtension(readLine()), 16)) > 0) {
                    skip(size);
                    readLine();
                }
                while (!readLine().isEmpty()) {
                    // trailers
                }
            } else if (contentLength >= 0) {
                skip(contentLength);
            } else if (code >= 200 && code != 204 && code != 304) {
                // Body delimited by the close of the connection.
                try {
                    while (true) {
                        readByte();
                    }
                } catch (IOException endOfBody) {
                    close = true;
                }
            }
            return code | (close ? 1L << 16 : 0);
        }
    }

    private static String stripExtension(String chunkLine) {
        int semi = chunkLine.indexOf(';');
        return (semi < 0 ? chunkLine : chunkLine.substring(0, semi)).trim();
    }

    /** utime + stime of the whole process in clock ticks, or null without --cpu-pid. */
    private long[] cpuTicks() {
        if (cpuPid <= 0) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + cpuPid + "/stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String report(long[] cpuBefore, long[] cpuAfter, double cpuWindowS) {
        // Late responses may still be recorded while this runs: work on one copy, status first.
        int[] statuses = status.clone();
        long[] latencies = latency.clone();
        long[] lags = sendLag.clone();
        long ok = 0;
        long non2xx = 0;
        long errors = 0;
        long timeouts = 0;
        int n = 0;
        long[] lat = new long[measuredCount];
        long[] lag = new long[measuredCount]; // how late requests left (waiting for a connection included)
        for (int m = 0; m < measuredCount; m++) {
            if (statuses[m] == 0) {
                timeouts++; // no response, no error, by the deadline (maybe never even sent)
            } else if (statuses[m] < 0) {
                errors++;
            } else if (latencies[m] >= 0) {
                lat[n] = latencies[m];
                lag[n] = Math.max(0, lags[m]);
                n++;
                if (statuses[m] >= 200 && statuses[m] < 300) {
                    ok++;
                } else {
                    non2xx++;
                }
            }
        }
        lat = Arrays.copyOf(lat, n);
        lag = Arrays.copyOf(lag, n);
        Arrays.sort(lat);
        Arrays.sort(lag);
        int nl = n;
        long windowEnd = Math.max(lastCompletion, windowStart + 1);
        double achieved = n / ((windowEnd - windowStart) / 1e9);
        double mean = 0;
        for (long l : lat) {
            mean += l;
        }
        mean = n == 0 ? 0 : mean / n;
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "tool", "\"openloop\"");
        field(sb, "mode", churn ? "\"churn\"" : "\"keepalive\"");
        field(sb, "target_rps", num(rate));
        field(sb, "connections", Integer.toString(connections));
        field(sb, "duration_s", num(durationS));
        field(sb, "warmup_s", num(warmupS));
        field(sb, "scheduled", Integer.toString(measuredCount));
        field(sb, "requests", Long.toString(n));
        field(sb, "ok", Long.toString(ok));
        field(sb, "non2xx", Long.toString(non2xx));
        field(sb, "errors", Long.toString(errors + timeouts));
        field(sb, "io_errors", Long.toString(errors));
        field(sb, "connect_errors", Long.toString(connectErrors.get()));
        field(sb, "timeouts", Long.toString(timeouts));
        field(sb, "rps", num(achieved));
        field(sb, "served_rps", num(servedInWindow.get() / ((scheduleEnd - windowStart) / 1e9)));
        field(sb, "p50_us", us(pct(lat, 50)));
        field(sb, "p90_us", us(pct(lat, 90)));
        field(sb, "p99_us", us(pct(lat, 99)));
        field(sb, "p999_us", us(pct(lat, 99.9)));
        field(sb, "max_us", us(n == 0 ? -1 : lat[n - 1]));
        field(sb, "mean_us", n == 0 ? "null" : num(mean / 1000));
        field(sb, "send_lag_p50_us", us(pct(lag, 50)));
        field(sb, "send_lag_p99_us", us(pct(lag, 99)));
        field(sb, "send_lag_max_us", us(nl == 0 ? -1 : lag[nl - 1]));
        field(sb, "cpu_ticks", cpuBefore == null || cpuAfter == null ? "null"
                : Long.toString(cpuAfter[0] - cpuBefore[0]));
        field(sb, "cpu_window_s", num3(cpuWindowS));
        sb.setLength(sb.length() - 1);
        sb.append('}');
        return sb.toString();
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static String us(long ns) {
        return ns < 0 ? "null" : num(ns / 1000.0);
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String num3(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":").append(value).append(',');
    }
}
