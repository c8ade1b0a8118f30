package dev.outrigger.sidecar.rbac;

/** What a matching policy does, as Envoy's {@code RBAC.Action}. */
public enum RbacAction {

    /** Allow-list: a caller is allowed if and only if some policy matches. */
    ALLOW,

    /** Deny-list: a caller is denied if and only if some policy matches. */
    DENY,

    /** Every caller is allowed; a matching policy only marks the request or connection for logging. */
    LOG
}
