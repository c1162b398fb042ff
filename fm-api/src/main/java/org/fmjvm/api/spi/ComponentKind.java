package org.fmjvm.api.spi;

import java.util.List;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.solver.OdeSolver;

/**
 * A kind of pluggable component, with the type its factories create.
 *
 * @param <T> the component type
 */
public final class ComponentKind<T> {
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

    private static final List<ComponentKind<?>> ALL = List.of(BACKEND, PATH, COUPLING, SOLVER, TIME_SAMPLER);

    private final String id;
    private final Class<T> type;

    private ComponentKind(String id, Class<T> type) {
        this.id = Objects.requireNonNull(id);
        this.type = Objects.requireNonNull(type);
    }

    /** @return every kind, in display order */
    public static List<ComponentKind<?>> all() {
        return ALL;
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
    public String toString() {
        return id;
    }
}
