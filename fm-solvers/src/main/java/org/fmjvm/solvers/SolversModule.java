package org.fmjvm.solvers;

import com.google.inject.Binder;

import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;

/** Registers the built-in solvers. Declares bindings only. */
public final class SolversModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.solvers(binder)
                .add(ComponentFactory.of("euler", "forward Euler, order 1, 1 NFE per step",
                        params -> Tableaux.EULER_SOLVER))
                .add(ComponentFactory.of("midpoint", "explicit midpoint, order 2, 2 NFE per step",
                        params -> Tableaux.MIDPOINT_SOLVER))
                .add(ComponentFactory.of("heun", "Heun's method (explicit trapezoid), order 2, 2 NFE per step",
                        params -> Tableaux.HEUN_SOLVER))
                .add(ComponentFactory.of("rk4", "classic Runge-Kutta, order 4, 4 NFE per step",
                        params -> Tableaux.RK4_SOLVER));
    }
}
