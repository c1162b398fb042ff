package org.fmjvm.solvers;

import com.google.inject.Binder;

import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;

/** Registers the fixed-step solvers. Declares bindings only. */
public final class SolversModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.solvers(binder)
                .add(ComponentFactory.of("euler", "forward Euler, order 1, 1 NFE per step",
                        params -> FixedStepSolver.EULER))
                .add(ComponentFactory.of("midpoint", "explicit midpoint, order 2, 2 NFE per step",
                        params -> FixedStepSolver.MIDPOINT))
                .add(ComponentFactory.of("rk4", "classic Runge-Kutta, order 4, 4 NFE per step",
                        params -> FixedStepSolver.RK4));
    }
}
