package dev.outrigger.sidecar.metrics;

/**
 * Every meter Outrigger registers, in one place. Micrometer names are dotted; the Prometheus
 * scrape shows them with underscores and the usual suffixes ({@code _total}, {@code _seconds}).
 *
 * <p>Tags: {@code listener} (listener name), {@code cluster} (cluster name),
 * {@code response_code_class} ({@code 1xx} .. {@code 5xx}), {@code protocol} (what protocol
 * detection found: {@code http1}, {@code http2}, {@code tls}, {@code other}, {@code silent}).
 */
public final class MeterNames {

    private MeterNames() {
    }

    /** Counter, tag listener: downstream connections accepted. */
    public static final String DOWNSTREAM_CX = "outrigger.downstream.cx";
    /** Gauge, tag listener: downstream connections open now. */
    public static final String DOWNSTREAM_CX_ACTIVE = "outrigger.downstream.cx.active";
    /** Counter, tags listener and response_code_class: downstream requests answered. */
    public static final String DOWNSTREAM_RQ = "outrigger.downstream.rq";
    /** Gauge, tag listener: downstream requests in flight. */
    public static final String DOWNSTREAM_RQ_ACTIVE = "outrigger.downstream.rq.active";
    /** Timer, tag listener: from request headers received to response fully sent. */
    public static final String DOWNSTREAM_RQ_TIME = "outrigger.downstream.rq.time";
    /** Counter, tags listener and reason: requests answered by Outrigger itself with an error. */
    public static final String DOWNSTREAM_RQ_LOCAL_ERROR = "outrigger.downstream.rq.local.error";
    /** Counter, tags listener and protocol: connections whose first bytes protocol detection classified. */
    public static final String DOWNSTREAM_CX_DETECTED = "outrigger.downstream.cx.detected";
    /** Authorization decisions of the RBAC filters (HTTP and network), by policy and outcome. */
    public static final String RBAC_DECISIONS = "outrigger.rbac.decisions";
    /** Rate-limit decisions, by descriptor and outcome. */
    public static final String RATELIMIT_DECISIONS = "outrigger.ratelimit.decisions";

    /** Counter, tags cluster and response_code_class: upstream responses received. */
    public static final String UPSTREAM_RQ = "outrigger.upstream.rq";
    /** Gauge, tag cluster: upstream requests in flight. */
    public static final String UPSTREAM_RQ_ACTIVE = "outrigger.upstream.rq.active";
    /** Timer, tag cluster: from request sent upstream to response fully received. */
    public static final String UPSTREAM_RQ_TIME = "outrigger.upstream.rq.time";
    /** Counter, tag cluster: requests that hit the route timeout. */
    public static final String UPSTREAM_RQ_TIMEOUT = "outrigger.upstream.rq.timeout";
    /** Counter, tag cluster: upstream connections opened. */
    public static final String UPSTREAM_CX = "outrigger.upstream.cx";
    /** Gauge, tag cluster: upstream connections open now. */
    public static final String UPSTREAM_CX_ACTIVE = "outrigger.upstream.cx.active";
    /** Counter, tag cluster: upstream connection attempts that failed or timed out. */
    public static final String UPSTREAM_CX_CONNECT_FAIL = "outrigger.upstream.cx.connect.fail";
    /** Counter, tag cluster: requests refused because a connection or pending limit was reached. */
    public static final String UPSTREAM_RQ_OVERFLOW = "outrigger.upstream.rq.overflow";
    /** Counter, tag cluster: bytes sent to endpoints by TCP proxy connections. */
    public static final String UPSTREAM_CX_TX_BYTES = "outrigger.upstream.cx.tx.bytes";
    /** Counter, tag cluster: bytes received from endpoints by TCP proxy connections. */
    public static final String UPSTREAM_CX_RX_BYTES = "outrigger.upstream.cx.rx.bytes";

    /** Counter, tags cluster and reason: endpoints ejected by outlier detection. */
    public static final String OUTLIER_EJECTIONS = "outrigger.outlier.ejections";
    /** Counter, tags cluster and reason: outliers detected, ejected or not (enforcing, max_ejection_percent). */
    public static final String OUTLIER_EJECTIONS_DETECTED = "outrigger.outlier.ejections.detected";
    /** Gauge, tag cluster: endpoints ejected by outlier detection now. */
    public static final String OUTLIER_EJECTED_ENDPOINTS = "outrigger.outlier.ejected.endpoints";
    /** Counter, tags cluster and result ({@code success}, {@code failure}): active health check probes. */
    public static final String HEALTH_CHECK = "outrigger.health.check";
    /** Gauge, tag cluster: endpoints out of the balancer because they failed active health checking. */
    public static final String HEALTH_CHECK_FAILED_ENDPOINTS = "outrigger.health.check.failed.endpoints";

    /** Counter, tags type and result ({@code ack}, {@code nack}): xDS responses handled. */
    public static final String XDS_UPDATES = "outrigger.xds.updates";
    /** Counter, tag type: resources refused (each is named in a NACK). */
    public static final String XDS_REJECTED = "outrigger.xds.rejected.resources";
    /** Counter: ADS streams opened again after one failed. */
    public static final String XDS_RECONNECTS = "outrigger.xds.stream.reconnects";
    /** Gauge: 1 while the ADS stream is connected and has received a response, else 0. */
    public static final String XDS_CONNECTED = "outrigger.xds.stream.connected";
    /** Timer, tag type: from a resource received to serving (warming included). */
    public static final String XDS_APPLY_TIME = "outrigger.xds.apply.time";

    /**
     * Counter, tag path (a file, or {@code /dev/stdout}, {@code /dev/stderr}): access log lines
     * not written, because the writer could not keep up (the queue was full), the sink was
     * closed, or writing failed.
     */
    public static final String ACCESS_LOG_DROPPED = "outrigger.access.log.dropped";

    /** Gauge: direct memory held by Netty's buffer allocator. */
    public static final String BUFFER_DIRECT_MEMORY = "outrigger.buffer.direct.memory.used";

    /** Tag key of the listener name. */
    public static final String TAG_LISTENER = "listener";
    /** Tag key of the cluster name. */
    public static final String TAG_CLUSTER = "cluster";
    /** Tag key of an xDS resource type (short name: listener, route, cluster, endpoints, secret). */
    public static final String TAG_TYPE = "type";
    /** Tag key of an xDS response's outcome. */
    public static final String TAG_RESULT = "result";
    /** Tag key of the response class. */
    public static final String TAG_CLASS = "response_code_class";
    /** Tag key of a local error's reason. */
    public static final String TAG_REASON = "reason";
    /** Tag key of an access log's file path. */
    public static final String TAG_PATH = "path";
    /** Tag key of a detected protocol. */
    public static final String TAG_PROTOCOL = "protocol";
}
