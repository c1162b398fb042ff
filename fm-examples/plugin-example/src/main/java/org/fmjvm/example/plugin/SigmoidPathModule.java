package org.fmjvm.example.plugin;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers the path {@code sigmoid} ({@link SigmoidScheduler} in an {@link AffinePath}) with one
 * parameter, the steepness {@code k}. Found by the host through
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule}; declares bindings only.
 */
public final class SigmoidPathModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.paths(binder).add(ComponentFactory.of("sigmoid",
                "sigmoid schedule: x_t = alpha_t x1 + (1 - alpha_t) x0, alpha_t a logistic curve of steepness k",
                List.of(ParamSpec.number("k", 10, "steepness, > 0 (small k: nearly cond-ot; large k: a jump at t = 1/2)")),
                params -> new AffinePath(new SigmoidScheduler(params.positive("k")))));
    }
}
