package org.fmjvm.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.solver.OdeSolver;

/**
 * A kind of pluggable component, with the type its factories create. fm-api defines the kinds the
 * framework itself selects (the constants below); a plugin declares a kind of its own with
 * {@link #of(String, Class)} and registers components of it through
 * {@link FmBinders#components(com.google.inject.Binder, ComponentKind)}:
 *
 * <pre>{@code
 * public static final ComponentKind<Augmentation> AUGMENTATION = ComponentKind.of("augmentation", Augmentation.class);
 * }</pre>
 *
 * <p>Two kinds are equal when their id and type are. Two plugins that declare one id with different
 * types stop the host at start-up, naming both. Immutable and thread-safe.
 *
 * @param <T> the component type
 */
public final class ComponentKind<T> {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** Numerical engines, e.g. {@code djl}. Creating one loads its natives. */
    public static final ComponentKind<Backend> BACKEND = new ComponentKind<>("backend", Backend.class);
    /** Probability paths, e.g. {@code cond-ot}. */
    public static final ComponentKind<ProbabilityPath> PATH = new ComponentKind<>("path", ProbabilityPath.class);
    /** Couplings, e.g. {@code independent}. */
    public static final ComponentKind<Coupling> COUPLING = new ComponentKind<>("coupling", Coupling.class);
    /** ODE solvers, e.g. {@code euler}. */
    public static final ComponentKind<OdeSolver> SOLVER = new ComponentKind<>("solver", OdeSolver.class);
    /** Training-time samplers of {@code t}, e.g. {@code uniform}. */
    public static final ComponentKind<TimeSampler> TIME_SAMPLER =
            new ComponentKind<>("time-sampler", TimeSampler.class);
    /** Data sets to train on or start from, e.g. {@code moons}. Creating one may read a file. */
    public static final ComponentKind<Dataset> DATASET = new ComponentKind<>("dataset", Dataset.class);

    private static final List<ComponentKind<?>> BUILT_IN = List.of(BACKEND, PATH, COUPLING, SOLVER, TIME_SAMPLER,
            DATASET);

    private final String id;
    private final Class<T> type;

    private ComponentKind(String id, Class<T> type) {
        this.id = id;
        this.type = type;
    }

    /**
     * Declares a kind. For the id of a built-in kind with its own type this returns that constant.
     *
     * @param id the kind's name in messages, configuration and {@code fm list}: kebab-case, starting
     *     with a letter, e.g. {@code augmentation}
     * @param type the type its factories create, e.g. {@code Augmentation.class}
     * @param <T> the component type
     * @return the kind
     * @throws IllegalArgumentException if {@code id} is not kebab-case, {@code type} is primitive, or
     *     {@code id} is a built-in kind's with another type
     */
    public static <T> ComponentKind<T> of(String id, Class<T> type) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("component kind ids are kebab-case (a letter, then [a-z0-9] words"
                    + " joined by '-'), got '" + id + "'");
        }
        if (type.isPrimitive()) {
            throw new IllegalArgumentException("component kind '" + id + "' needs a reference type, got primitive "
                    + type + "; use the interface its components implement");
        }
        for (ComponentKind<?> k : BUILT_IN) {
            if (k.id.equals(id)) {
                if (k.type != type) {
                    throw new IllegalArgumentException("component kind '" + id + "' is built in with type "
                            + k.type.getName() + ", so it cannot be declared with type " + type.getName()
                            + "; use ComponentKind." + id.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
                            + " for that kind, or choose another id for a new one");
                }
                @SuppressWarnings("unchecked")
                ComponentKind<T> same = (ComponentKind<T>) k;
                return same;
            }
        }
        return new ComponentKind<>(id, type);
    }

    /**
     * @return the kinds fm-api defines, in display order: backend, path, coupling, solver,
     *     time-sampler, dataset. Plugins may declare more; a host lists those from its registry.
     */
    public static List<ComponentKind<?>> all() {
        return BUILT_IN;
    }

    /** @return whether this is one of {@link #all()} */
    public boolean isBuiltIn() {
        return BUILT_IN.contains(this);
    }

    /** @return the kind's name in messages and configuration, e.g. {@code path} */
    public String id() {
        return id;
    }

    /** @return the component type */
    public Class<T> type() {
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComponentKind<?> k && k.id.equals(id) && k.type == type;
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
