package dev.outrigger.xds.client;

import java.util.Map;
import java.util.Set;

/**
 * Receives the resources of one type. Every method runs on the client's serial executor, never
 * concurrently with another callback of the same client, so a watcher may keep plain state and
 * may call {@link XdsClient#subscribe} from inside a callback.
 *
 * @param <T> the parsed type
 */
public interface XdsResourceWatcher<T> {

    /**
     * A response changed resources. {@code changed} holds the new or updated resources that parsed
     * (unchanged resources of a state-of-the-world response are left out); {@code removed} the names
     * the server deleted (absent from a wildcard state-of-the-world response, or in a delta
     * response's {@code removed_resources}). Either may be empty, not both.
     *
     * <p>The watcher may still refuse some of {@code changed} (a listener whose port clashes with
     * another one, say): it returns their names with the reason, and the client NACKs them and
     * keeps the previous version as the one it has. Everything not returned counts as applied.
     *
     * @return names of refused resources mapped to why; empty when all were applied
     */
    Map<String, String> onResourcesChanged(Map<String, XdsResource<T>> changed, Set<String> removed);

    /**
     * A subscribed resource did not arrive within the initial-fetch timeout after it was
     * requested, or the server says it does not exist. Called once per name until the resource
     * arrives again.
     */
    void onResourceDoesNotExist(String name);
}
