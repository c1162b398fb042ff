package org.fmjvm.core.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.UnknownComponentException;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.Registration;
import org.fmjvm.core.ComponentChoice;

/**
 * Every component factory contributed by the discovered plugins, by kind and name. Rejects two
 * registrations of one name in one kind at construction, naming both origins. Immutable and
 * thread-safe.
 */
public final class PluginRegistry {

    private final Map<ComponentKind<?>, Map<String, Registration>> byKind = new LinkedHashMap<>();

    /**
     * @param registrations what the plugin modules contributed
     * @throws ConfigurationException if one kind has two components of one name
     */
    @Inject
    public PluginRegistry(Set<Registration> registrations) {
        for (ComponentKind<?> kind : ComponentKind.all()) {
            byKind.put(kind, new TreeMap<>());
        }
        List<Registration> sorted = new ArrayList<>(registrations);
        sorted.sort(Comparator.comparing((Registration r) -> r.kind().id()).thenComparing(r -> r.factory().name())
                .thenComparing(Registration::origin));
        for (Registration r : sorted) {
            Map<String, Registration> names = byKind.get(r.kind());
            Registration previous = names.putIfAbsent(r.factory().name(), r);
            if (previous != null) {
                throw new ConfigurationException("Two plugins register the " + r.kind() + " '" + r.factory().name()
                        + "': " + previous.origin() + " and " + r.origin()
                        + "; remove one of them from the class path or rename one");
            }
        }
    }

    /**
     * @param kind a component kind
     * @return the registered names of that kind, sorted
     */
    public List<String> names(ComponentKind<?> kind) {
        return List.copyOf(byKind.get(kind).keySet());
    }

    /**
     * @param kind a component kind
     * @param <T> the component type
     * @return every factory of that kind, sorted by name
     */
    @SuppressWarnings("unchecked")
    public <T> List<ComponentFactory<T>> factories(ComponentKind<T> kind) {
        return byKind.get(kind).values().stream().map(r -> (ComponentFactory<T>) r.factory()).toList();
    }

    /**
     * @param kind a component kind
     * @param name a registered name
     * @return where that component comes from (module class and jar)
     */
    public String origin(ComponentKind<?> kind, String name) {
        return registration(kind, name).origin();
    }

    /**
     * @param kind a component kind
     * @param name a name
     * @param <T> the component type
     * @return the factory registered under that name
     * @throws UnknownComponentException listing the known names
     */
    @SuppressWarnings("unchecked")
    public <T> ComponentFactory<T> factory(ComponentKind<T> kind, String name) {
        return (ComponentFactory<T>) registration(kind, name).factory();
    }

    /**
     * @param kind a component kind
     * @param <T> the component type
     * @return the factory with the highest {@link ComponentFactory#rank()} (ties: first by name)
     * @throws ConfigurationException if no plugin of that kind is on the class path
     */
    public <T> ComponentFactory<T> preferred(ComponentKind<T> kind) {
        List<ComponentFactory<T>> all = factories(kind);
        if (all.isEmpty()) {
            throw new ConfigurationException("No " + kind + " plugin is on the class path; add one, e.g. the "
                    + (kind == ComponentKind.BACKEND ? "fm-backend-djl" : "fm-" + kind.id() + "s") + " module");
        }
        ComponentFactory<T> best = all.get(0);
        for (ComponentFactory<T> f : all) {
            if (f.rank() > best.rank()) {
                best = f;
            }
        }
        return best;
    }

    /**
     * Resolves a choice to its factory and checked parameters without creating the component.
     *
     * @param kind a component kind
     * @param choice name (or {@code null} for the preferred one) and parameters
     * @param <T> the component type
     * @return the factory and parameters
     */
    public <T> Selection<T> select(ComponentKind<T> kind, ComponentChoice choice) {
        ComponentFactory<T> factory = choice.name() == null ? preferred(kind) : factory(kind, choice.name());
        ComponentParams params = new ComponentParams(kind + " '" + factory.name() + "'", factory.parameters(),
                choice.params());
        return new Selection<>(kind, factory, params);
    }

    private Registration registration(ComponentKind<?> kind, String name) {
        Registration r = byKind.get(kind).get(name);
        if (r == null) {
            throw new UnknownComponentException(kind.id(), name, names(kind));
        }
        return r;
    }

    /**
     * A resolved choice: the factory and its checked parameters.
     *
     * @param kind the kind
     * @param factory the factory
     * @param params the parameters, checked against the factory's declarations
     * @param <T> the component type
     */
    public record Selection<T>(ComponentKind<T> kind, ComponentFactory<T> factory, ComponentParams params) {

        /** @return a new component (for a backend: opens it, loading natives) */
        public T create() {
            return factory.create(params);
        }

        /** @return e.g. {@code cond-ot} or {@code poly {n=2}} */
        public String label() {
            Map<String, String> p = params.resolved();
            return factory.name() + (p.isEmpty() ? "" : " " + p);
        }
    }
}
