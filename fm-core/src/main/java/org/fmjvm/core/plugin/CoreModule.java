package org.fmjvm.core.plugin;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.coupling.IndependentCoupling;
import org.fmjvm.core.coupling.MinibatchOtCoupling;
import org.fmjvm.core.coupling.ReflowCoupling;
import org.fmjvm.core.coupling.SchrodingerBridgeCoupling;
import org.fmjvm.core.coupling.SinkhornCoupling;
import org.fmjvm.core.data.Datasets;

/** Registers the components that ship with the core (couplings and data sets). Declares bindings only. */
public final class CoreModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.couplings(binder).add(ComponentFactory.of("independent",
                "independent pairs: x0 ~ N(0, I) and x1 ~ data drawn separately", params -> new IndependentCoupling()));
        FmBinders.couplings(binder).add(ReflowCoupling.factory());
        FmBinders.couplings(binder).add(ComponentFactory.of("minibatch-ot",
                "minibatch OT: exact assignment of each batch on squared Euclidean cost", params -> new MinibatchOtCoupling()));
        FmBinders.couplings(binder).add(ComponentFactory.of("sinkhorn",
                "entropic minibatch OT (log-domain Sinkhorn), pairs drawn from the plan without replacement",
                List.of(ParamSpec.number("reg", SinkhornCoupling.DEFAULT_REG,
                                "entropic regularisation relative to the batch's mean squared distance, > 0"),
                        ParamSpec.integer("max-iter", SinkhornCoupling.DEFAULT_MAX_ITER, "most Sinkhorn iterations, >= 1"),
                        ParamSpec.number("tol", SinkhornCoupling.DEFAULT_TOL,
                                "relative tolerance on the plan's row marginals, > 0")),
                params -> new SinkhornCoupling(params.positive("reg"), maxIter(params), params.positive("tol"))));
        FmBinders.couplings(binder).add(ComponentFactory.of("schrodinger-bridge",
                "SB-CFM coupling: entropic OT plan with eps = 2 sigma^2 on raw squared distances; use with brownian-bridge",
                List.of(ParamSpec.number("sigma", SchrodingerBridgeCoupling.DEFAULT_SIGMA,
                        "noise scale, > 0; must equal the brownian-bridge path's sigma")),
                params -> new SchrodingerBridgeCoupling(params.positive("sigma"))));
        for (ComponentFactory<Dataset> dataset : Datasets.builtIns()) {
            FmBinders.datasets(binder).add(dataset);
        }
    }

    private static int maxIter(ComponentParams params) {
        long v = params.integer("max-iter");
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw params.invalid("max-iter must be an integer >= 1, got " + params.text("max-iter"));
        }
        return (int) v;
    }
}
