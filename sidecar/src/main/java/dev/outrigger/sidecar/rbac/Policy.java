package dev.outrigger.sidecar.rbac;

import java.util.List;
import java.util.Objects;

/**
 * One named policy of an RBAC rule set, as Envoy's {@code Policy}: it matches when at least one
 * permission and at least one principal match.
 *
 * @param name the key of the policy in the {@code policies} map, reported in decisions
 * @param permissions what the caller does; any one suffices; not empty
 * @param principals who the caller is; any one suffices; not empty
 */
public record Policy(String name, List<Permission> permissions, List<Principal> principals) {

    public Policy {
        Objects.requireNonNull(name, "name");
        permissions = List.copyOf(permissions);
        principals = List.copyOf(principals);
        if (permissions.isEmpty() || principals.isEmpty()) {
            throw new IllegalArgumentException("policy " + name + " needs at least one permission and one principal");
        }
    }

    /** True when some permission and some principal match {@code input}. */
    public boolean matches(RbacInput input) {
        return anyPermission(input) && anyPrincipal(input);
    }

    private boolean anyPermission(RbacInput input) {
        for (int i = 0; i < permissions.size(); i++) {
            if (permissions.get(i).matches(input)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyPrincipal(RbacInput input) {
        for (int i = 0; i < principals.size(); i++) {
            if (principals.get(i).matches(input)) {
                return true;
            }
        }
        return false;
    }
}
