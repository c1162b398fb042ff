package org.fmjvm.core.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.UnknownComponentException;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.KindDeclaration;
import org.fmjvm.api.spi.PluginDiscovery;
import org.fmjvm.api.spi.Registration;
import org.fmjvm.core.ComponentChoice;

/**
 * Every component kind and factory the discovered plugins contributed, by kind and name. The kinds
 * are those fm-api defines ({@link ComponentKind#all()}) and any a plugin declared. Rejects, at
 * construction, two registrations of one name in one kind and two declarations of one kind id with
 * different types, naming both origins. Immutable and thread-safe.
 */
public final class PluginRegistry {

    private static final String BUILT_IN_ORIGIN = "fm-api (built in)";

    /** The kinds by id, built-ins first in display order, then declared kinds by id. */
    private final Map<String, KindDeclaration> kinds = new LinkedHashMap<>();
    private final Map<String, Map<String, Registration>> byKind = new LinkedHashMap<>();

    /**
     * @param registrations what the plugin modules contributed, of the built-in kinds or of kinds their
     *     registrations name
     * @throws ConfigurationException if one kind has two components of one name, or one kind id two types
     */
    public PluginRegistry(Set<Registration> registrations) {
        this(new PluginDiscovery.Contributions(Set.of(), registrations));
    }

    /**
     * @param contributions the kinds and factories the plugin modules contributed
     * @throws ConfigurationException if one kind has two components of one name, or one kind id two types
     */
    public PluginRegistry(PluginDiscovery.Contributions contributions) {
        for (ComponentKind<?> kind : ComponentKind.all()) {
            kinds.put(kind.id(), new KindDeclaration(kind, BUILT_IN_ORIGIN));
        }
        List<KindDeclaration> declared = new ArrayList<>(contributions.kinds());
        for (Registration r : contributions.registrations()) {
            declared.add(new KindDeclaration(r.kind(), r.origin()));
        }
        declared.sort(Comparator.comparing((KindDeclaration d) -> d.kind().id()).thenComparing(KindDeclaration::origin)
                .thenComparing(d -> d.kind().type().getName()));
        Map<String, KindDeclaration> added = new TreeMap<>();
        for (KindDeclaration d : declared) {
            KindDeclaration previous = kinds.containsKey(d.kind().id()) ? kinds.get(d.kind().id())
                    : added.putIfAbsent(d.kind().id(), d);
            if (previous != null && !previous.kind().equals(d.kind())) {
                throw new ConfigurationException("Two plugins declare the component kind '" + d.kind().id()
                        + "' with different types: " + previous.origin() + " as " + previous.kind().type().getName()
                        + " and " + d.origin() + " as " + d.kind().type().getName()
                        + "; rename one kind's id, or share one declaration of it");
            }
        }
        kinds.putAll(added);
        for (String id : kinds.keySet()) {
            byKind.put(id, new TreeMap<>());
        }
        List<Registration> sorted = new ArrayList<>(contributions.registrations());
        sorted.sort(Comparator.comparing((Registration r) -> r.kind().id()).thenComparing(r -> r.factory().name())
                .thenComparing(Registration::origin));
        for (Registration r : sorted) {
            Map<String, Registration> names = byKind.get(r.kind().id());
            Registration previous = names.putIfAbsent(r.factory().name(), r);
            if (previous != null) {
                throw new ConfigurationException("Two plugins register the " + r.kind() + " '" + r.factory().name()
                        + "': " + previous.origin() + " and " + r.origin()
                        + "; remove one of them from the class path or rename one");
            }
        }
    }

    /**
     * @return every kind: those fm-api defines in their display order, then those plugins declared,
     *     by id
     */
    public List<ComponentKind<?>> kinds() {
        return kinds.values().stream().<ComponentKind<?>>map(KindDeclaration::kind).toList();
    }

    /**
     * @param id a kind's id, e.g. {@code path}
     * @return that kind, if fm-api defines it or a plugin declared it
     */
    public Optional<ComponentKind<?>> kind(String id) {
        KindDeclaration d = kinds.get(id);
        return d == null ? Optional.empty() : Optional.of(d.kind());
    }

    /**
     * @param kind a component kind
     * @return the registered names of that kind, sorted
     */
    public List<String> names(ComponentKind<?> kind) {
        return List.copyOf(entries(kind).keySet());
    }

    /**
     * @param kind a component kind
     * @param <T> the component type
     * @return every factory of that kind, sorted by name
     */
    @SuppressWarnings("unchecked")
    public <T> List<ComponentFactory<T>> factories(ComponentKind<T> kind) {
        return entries(kind).values().stream().map(r -> (ComponentFactory<T>) r.factory()).toList();
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
            throw new ConfigurationException("No " + kind + " plugin is on the class path; add one"
                    + (kind.equals(ComponentKind.BACKEND) ? ", e.g. the fm-backend-djl module"
                            : kind.isBuiltIn() ? ", e.g. the fm-" + kind.id() + "s module"
                            : " that registers a " + kind + " (fm list shows the kinds and their components)"));
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

    /** The registrations of a kind; none for a kind no plugin declared. */
    private Map<String, Registration> entries(ComponentKind<?> kind) {
        KindDeclaration d = kinds.get(kind.id());
        if (d != null && !d.kind().equals(kind)) {
            throw new ConfigurationException("The component kind '" + kind.id() + "' is declared by " + d.origin()
                    + " with type " + d.kind().type().getName() + ", but was asked for with type "
                    + kind.type().getName() + "; use one declaration of the kind");
        }
        return d == null ? Map.of() : byKind.get(kind.id());
    }

    private Registration registration(ComponentKind<?> kind, String name) {
        Registration r = entries(kind).get(name);
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

        /**
         * @return a new component (for a backend: opens it, loading natives)
         * @throws ConfigurationException if the plugin's factory returns no instance of the kind's type
         */
        public T create() {
            T made = factory.create(params);
            if (!kind.type().isInstance(made)) {
                throw new ConfigurationException("The " + kind + " '" + factory.name() + "' created "
                        + (made == null ? "null" : "a " + made.getClass().getName()) + " instead of a "
                        + kind.type().getName() + "; its plugin's factory is broken: fix or remove that plugin");
            }
            return made;
        }

        /** @return e.g. {@code cond-ot} or {@code poly {n=2}} */
        public String label() {
            Map<String, String> p = params.resolved();
            return factory.name() + (p.isEmpty() ? "" : " " + p);
        }
    }
}
