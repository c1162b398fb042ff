package org.fmjvm.api.spi;

import java.util.Objects;

import com.google.inject.Binder;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.solver.OdeSolver;

/**
 * Typed binders for plugin modules: {@code FmBinders.paths(binder).add(factory)}, and
 * {@link #components(Binder, ComponentKind)} for a kind a plugin declares itself. The calling class
 * is recorded as the registration's origin, so a name clash can say which plugins collide.
 */
public final class FmBinders {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private FmBinders() {
    }

    /**
     * @param binder the module's binder
     * @return a binder for backends
     */
    public static ComponentBinder<Backend> backends(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.BACKEND, WALKER.getCallerClass());
    }

    /**
     * @param binder the module's binder
     * @return a binder for probability paths
     */
    public static ComponentBinder<ProbabilityPath> paths(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.PATH, WALKER.getCallerClass());
    }

    /**
     * @param binder the module's binder
     * @return a binder for couplings
     */
    public static ComponentBinder<Coupling> couplings(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.COUPLING, WALKER.getCallerClass());
    }

    /**
     * @param binder the module's binder
     * @return a binder for ODE solvers
     */
    public static ComponentBinder<OdeSolver> solvers(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.SOLVER, WALKER.getCallerClass());
    }

    /**
     * @param binder the module's binder
     * @return a binder for training-time samplers
     */
    public static ComponentBinder<TimeSampler> timeSamplers(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.TIME_SAMPLER, WALKER.getCallerClass());
    }

    /**
     * @param binder the module's binder
     * @return a binder for data sets
     */
    public static ComponentBinder<Dataset> datasets(Binder binder) {
        return new ComponentBinder<>(binder, ComponentKind.DATASET, WALKER.getCallerClass());
    }

    /**
     * A binder for components of any kind, built in or declared by a plugin with
     * {@link ComponentKind#of(String, Class)}. For a kind fm-api does not define, this also declares the
     * kind, so the host lists it even before any component of it is added.
     *
     * @param binder the module's binder
     * @param kind the kind
     * @param <T> the component type
     * @return a binder for that kind
     */
    public static <T> ComponentBinder<T> components(Binder binder, ComponentKind<T> kind) {
        Objects.requireNonNull(kind, "kind");
        return new ComponentBinder<>(binder, kind, WALKER.getCallerClass());
    }
}
