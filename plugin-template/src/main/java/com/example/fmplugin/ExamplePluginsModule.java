package com.example.fmplugin;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers this jar's plugins under their names: the path {@code sigmoid} (parameter {@code k}),
 * the coupling {@code sorted-projection}, the solver {@code ralston} and the data set {@code ring}
 * (parameters {@code radius} and {@code noise}). fm finds the module through
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule}; it only declares bindings (no native
 * loading, no branching), and each factory builds its component from checked parameters.
 */
public final class ExamplePluginsModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.paths(binder).add(ComponentFactory.of("sigmoid",
                "sigmoid schedule: x_t = alpha_t x1 + (1 - alpha_t) x0, alpha_t a logistic curve of steepness k",
                List.of(ParamSpec.number("k", 10, "steepness, > 0 (small k: nearly cond-ot; large k: a jump at t = 1/2)")),
                params -> new AffinePath(new SigmoidScheduler(params.positive("k")))));
        FmBinders.couplings(binder).add(ComponentFactory.of("sorted-projection",
                "pairs x0 and x1 of equal rank along a random direction (a permutation per batch)",
                List.of(), params -> new SortedProjectionCoupling()));
        FmBinders.solvers(binder).add(ComponentFactory.of("ralston",
                "Ralston's method: fixed step, order 2, 2 NFE per step",
                List.of(), params -> new RalstonSolver()));
        FmBinders.datasets(binder).add(ComponentFactory.of(RingDataset.NAME,
                "points on a circle around the origin, with Gaussian noise",
                List.of(ParamSpec.number("radius", 3, "the circle's radius, > 0"),
                        ParamSpec.number("noise", 0.2, "the noise's std per coordinate, >= 0")),
                params -> new RingDataset(params.positive("radius"), nonNegative(params, "noise"))));
    }

    /** A check the {@link ComponentParams} helpers do not cover, with the same kind of message. */
    private static double nonNegative(ComponentParams params, String name) {
        double v = params.number(name);
        if (v < 0) {
            throw params.invalid(name + " must be >= 0, got " + params.text(name));
        }
        return v;
    }
}
