package com.example.fmplugin;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers this jar's plugins under their names: the path {@code sigmoid} (parameter {@code k}),
 * the coupling {@code sorted-projection} and the solver {@code ralston}. fm finds the module through
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
    }
}
