package org.fmjvm.core.plugin;

import com.google.inject.Binder;

import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.core.coupling.IndependentCoupling;

/** Registers the components that ship with the core. Declares bindings only. */
public final class CoreModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.couplings(binder).add(ComponentFactory.of("independent",
                "independent pairs: x0 ~ N(0, I) and x1 ~ data drawn separately", params -> new IndependentCoupling()));
        FmBinders.couplings(binder).add(org.fmjvm.core.coupling.ReflowCoupling.factory());
    }
}
