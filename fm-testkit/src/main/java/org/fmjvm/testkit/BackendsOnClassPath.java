package org.fmjvm.testkit;

import java.util.Comparator;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.PluginDiscovery;

/**
 * Opens the highest-ranked backend found on the test class path, for plugin tests (paths, solvers)
 * that need tensors but must not depend on a particular backend's classes. It finds them with
 * {@link PluginDiscovery}, the routine the runtime uses, and prefers as the runtime does: the highest
 * rank, ties broken by name.
 */
public final class BackendsOnClassPath {

    private BackendsOnClassPath() {
    }

    /**
     * @return the preferred backend on the class path, opened with default parameters
     * @throws IllegalStateException if no backend plugin is on the class path
     */
    public static Backend openPreferred() {
        return open(Map.of());
    }

    /**
     * @param params backend parameters, e.g. {@code threads=1}
     * @return the preferred backend on the class path, opened with {@code params}
     */
    @SuppressWarnings("unchecked")
    public static Backend open(Map<String, String> params) {
        ComponentFactory<Backend> best = PluginDiscovery.discover().registrations().stream()
                .filter(r -> r.kind().equals(ComponentKind.BACKEND))
                .map(r -> (ComponentFactory<Backend>) r.factory())
                .min(Comparator.comparingInt((ComponentFactory<Backend> f) -> -f.rank())
                        .thenComparing(ComponentFactory::name))
                .orElseThrow(() -> new IllegalStateException("no backend plugin on the test class path; add one,"
                        + " e.g. fm-backend-djl, as a test dependency"));
        return best.create(new ComponentParams("backend '" + best.name() + "'", best.parameters(), params));
    }
}
