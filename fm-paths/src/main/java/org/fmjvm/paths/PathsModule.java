package org.fmjvm.paths;

import com.google.inject.Binder;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;

/** Registers this module's paths and time samplers. Declares bindings only. */
public final class PathsModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.paths(binder).add(ComponentFactory.of("cond-ot",
                "conditional OT: straight lines x_t = t x1 + (1 - t) x0, target x1 - x0",
                params -> new AffinePath(new CondOtScheduler())));
        FmBinders.timeSamplers(binder).add(ComponentFactory.of("uniform",
                "t uniform on [0, 1)", params -> new UniformTimeSampler()));
    }
}
