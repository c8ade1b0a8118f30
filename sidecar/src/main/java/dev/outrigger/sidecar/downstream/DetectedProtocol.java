package dev.outrigger.sidecar.downstream;

/** What the first bytes of a connection said, or that the client said nothing. */
public enum DetectedProtocol {
    /** An HTTP/1.x request line. */
    HTTP1,
    /** The HTTP/2 connection preface (prior knowledge, cleartext). */
    HTTP2,
    /** A TLS ClientHello. */
    TLS,
    /** Bytes of some other protocol. */
    OTHER,
    /** Nothing within the detection timeout: a protocol in which the server speaks first. */
    SILENT,
    /** Not inspected: the listener has no inspectors, or the chain's protocol is declared. */
    UNDETECTED
}
