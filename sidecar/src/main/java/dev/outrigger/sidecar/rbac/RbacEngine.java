package dev.outrigger.sidecar.rbac;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An RBAC rule set, as Envoy's {@code envoy.config.rbac.v3.RBAC}: an action and named policies,
 * tried in order until one matches. Immutable and shared; {@link #evaluate} allocates nothing of
 * its own (its decisions are made once, here).
 *
 * <ul>
 *   <li>{@link RbacAction#ALLOW}: allowed if and only if a policy matches; no policy, no access.
 *   <li>{@link RbacAction#DENY}: denied if and only if a policy matches; no policy, all allowed.
 *   <li>{@link RbacAction#LOG}: always allowed; the matching policy is reported so the caller
 *       can mark the request for its access log.
 * </ul>
 */
public final class RbacEngine {

    /**
     * The outcome of one evaluation.
     *
     * @param allowed whether the request or connection may proceed
     * @param matchedPolicy the name of the first policy that matched, or null when none did
     */
    public record Decision(boolean allowed, String matchedPolicy) {

        /** True when a policy matched (under {@link RbacAction#LOG}: the request should be logged). */
        public boolean matched() {
            return matchedPolicy != null;
        }
    }

    private final RbacAction action;
    private final List<Policy> policies;
    private final Decision[] onMatch;
    private final Decision noMatch;

    /**
     * A rule set that tries {@code policies} in the given order. The translator orders them by
     * name, as Envoy does.
     *
     * @throws IllegalArgumentException if two policies share a name
     */
    public RbacEngine(RbacAction action, List<Policy> policies) {
        this.action = Objects.requireNonNull(action, "action");
        this.policies = List.copyOf(policies);
        Set<String> names = new HashSet<>();
        this.onMatch = new Decision[this.policies.size()];
        for (int i = 0; i < onMatch.length; i++) {
            String name = this.policies.get(i).name();
            if (!names.add(name)) {
                throw new IllegalArgumentException("policy " + name + " is given twice");
            }
            onMatch[i] = new Decision(action != RbacAction.DENY, name);
        }
        this.noMatch = new Decision(action != RbacAction.ALLOW, null);
    }

    /** What the policies say about {@code input}: the first matching policy decides. */
    public Decision evaluate(RbacInput input) {
        for (int i = 0; i < onMatch.length; i++) {
            if (policies.get(i).matches(input)) {
                return onMatch[i];
            }
        }
        return noMatch;
    }

    /** ALLOW, DENY or LOG. */
    public RbacAction action() {
        return action;
    }

    /** The policies in evaluation order. */
    public List<Policy> policies() {
        return policies;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RbacEngine e && e.action == action && e.policies.equals(policies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, policies);
    }

    @Override
    public String toString() {
        return "RbacEngine[action=" + action + ", policies=" + policies + "]";
    }
}
