package org.fmjvm.solvers;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/** Registers the built-in solvers. Declares bindings only. */
public final class SolversModule implements FmModule {

    /** The parameters of the adaptive solvers, with their defaults. */
    static final List<ParamSpec> ADAPTIVE_PARAMS = List.of(
            ParamSpec.number("rtol", 1e-5, "relative tolerance, > 0"),
            ParamSpec.number("atol", 1e-5, "absolute tolerance, > 0"),
            ParamSpec.integer("max-steps", SolveOptions.DEFAULT_MAX_STEPS, "most step attempts (accepted and rejected), >= 1"),
            ParamSpec.number("first-step", 0, "size of the first attempted step, > 0, or 0 to choose it"));

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
                        params -> Tableaux.RK4_SOLVER))
                .add(ComponentFactory.of("dopri5",
                        "Dormand-Prince 5(4), adaptive (RMS error norm, PI step control), FSAL, 6 NFE per step",
                        ADAPTIVE_PARAMS, params -> Tableaux.DOPRI5_SOLVER.configured(params.positive("atol"),
                                params.positive("rtol"), maxSteps(params), firstStep(params))))
                .add(ComponentFactory.of("commons-dp54",
                        "reference: Apache Commons Math's Dormand-Prince 5(4) on the host in float64 (slow)",
                        ADAPTIVE_PARAMS, params -> CommonsDormandPrince54.configured(params.positive("atol"),
                                params.positive("rtol"), maxSteps(params), firstStep(params))));
    }

    private static int maxSteps(ComponentParams params) {
        long v = params.integer("max-steps");
        if (v < 1 || v > Integer.MAX_VALUE / 8) {
            throw params.invalid("max-steps must be in [1, " + Integer.MAX_VALUE / 8 + "], got " + v);
        }
        return (int) v;
    }

    private static double firstStep(ComponentParams params) {
        double v = params.number("first-step");
        if (!(v >= 0)) {
            throw params.invalid("first-step must be >= 0 (0: chosen by the solver), got " + v);
        }
        return v;
    }
}
