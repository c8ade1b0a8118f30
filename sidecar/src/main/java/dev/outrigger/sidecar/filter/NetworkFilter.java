package dev.outrigger.sidecar.filter;

/**
 * A network filter placed before a filter chain's HTTP connection manager or TCP proxy, built
 * once per listener configuration and shared by all of its event loops: thread-safe, never
 * blocking.
 */
public interface NetworkFilter {

    /**
     * Decides on a new connection once its filter chain is chosen (after the TLS handshake on a
     * TLS chain), before any of its bytes are proxied.
     *
     * @return null to accept it, or the reason it is closed (logged at debug and counted)
     */
    String onConnection(ConnectionContext connection);
}
