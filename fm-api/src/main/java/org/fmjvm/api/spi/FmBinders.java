package org.fmjvm.api.spi;

import com.google.inject.Binder;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.solver.OdeSolver;

/**
 * Typed binders for plugin modules: {@code FmBinders.paths(binder).add(factory)}. The calling class
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
}
