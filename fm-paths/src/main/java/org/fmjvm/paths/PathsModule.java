package org.fmjvm.paths;

import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * Registers this module's paths and time samplers under their stable names. Declares bindings only;
 * parameters are checked when a component is created, with messages such as
 * {@code path 'poly': n must be > 0, got -1}.
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><th>name</th><th>parameters</th><th>what</th></tr>
 *   <tr><td>{@code cond-ot}</td><td></td><td>{@link CondOtScheduler}: straight lines</td></tr>
 *   <tr><td>{@code poly}</td><td>{@code n} 2</td><td>{@link PolynomialScheduler}</td></tr>
 *   <tr><td>{@code vp}</td><td>{@code beta-min} 0.1, {@code beta-max} 20</td><td>{@link VpScheduler}</td></tr>
 *   <tr><td>{@code linear-vp}</td><td></td><td>{@link LinearVpScheduler}</td></tr>
 *   <tr><td>{@code cosine}</td><td></td><td>{@link CosineScheduler}</td></tr>
 *   <tr><td>{@code gaussian-ot}</td><td>{@code sigma-min} 0.1</td><td>{@link GaussianOtPath}</td></tr>
 *   <tr><td>{@code brownian-bridge}</td><td>{@code sigma} 0.5</td><td>{@link BrownianBridgePath}</td></tr>
 * </table>
 *
 * <p>Time samplers: {@code uniform} ({@link UniformTimeSampler}) and {@code logit-normal}
 * ({@code mean} 0, {@code std} 1; {@link LogitNormalTimeSampler}).
 */
public final class PathsModule implements FmModule {

    @Override
    public void configure(Binder binder) {
        FmBinders.paths(binder)
                .add(ComponentFactory.of("cond-ot",
                        "conditional OT: straight lines x_t = t x1 + (1 - t) x0, target x1 - x0",
                        params -> new AffinePath(new CondOtScheduler())))
                .add(ComponentFactory.of("poly",
                        "polynomial schedule: x_t = t^n x1 + (1 - t^n) x0, target n t^(n-1) (x1 - x0)",
                        List.of(ParamSpec.number("n", 2, "the exponent, > 0 (1 is cond-ot)")),
                        params -> new AffinePath(new PolynomialScheduler(params.positive("n")))))
                .add(ComponentFactory.of("vp",
                        "variance preserving (score-SDE VP): alpha = exp(-T/2), sigma = sqrt(1 - exp(-T))",
                        List.of(ParamSpec.number("beta-min", VpScheduler.DEFAULT_BETA_MIN,
                                        "noise rate at the data end, > 0"),
                                ParamSpec.number("beta-max", VpScheduler.DEFAULT_BETA_MAX,
                                        "noise rate at the noise end, > beta-min")),
                        params -> new AffinePath(vp(params))))
                .add(ComponentFactory.of("linear-vp",
                        "linear variance preserving: x_t = t x1 + sqrt(1 - t^2) x0",
                        params -> new AffinePath(new LinearVpScheduler())))
                .add(ComponentFactory.of("cosine",
                        "cosine: x_t = sin(pi t / 2) x1 + cos(pi t / 2) x0",
                        params -> new AffinePath(new CosineScheduler())))
                .add(ComponentFactory.of("gaussian-ot",
                        "Lipman et al.'s OT Gaussian path: x_t = t x1 + (1 - (1 - sigma-min) t) x0; needs the N(0, I) source",
                        List.of(ParamSpec.number("sigma-min", GaussianOtPath.DEFAULT_SIGMA_MIN,
                                "width of the path at t = 1, in [0, 1)")),
                        params -> new GaussianOtPath(sigmaMin(params))))
                .add(ComponentFactory.of("brownian-bridge",
                        "Schroedinger-bridge CFM: x_t = t x1 + (1 - t) x0 + sigma sqrt(t (1 - t)) eps",
                        List.of(ParamSpec.number("sigma", BrownianBridgePath.DEFAULT_SIGMA,
                                "noise scale of the bridge, > 0 (width sigma/2 at t = 1/2)")),
                        params -> new BrownianBridgePath(params.positive("sigma"))));
        FmBinders.timeSamplers(binder)
                .add(ComponentFactory.of("uniform", "t uniform on [0, 1)", params -> new UniformTimeSampler()))
                .add(ComponentFactory.of("logit-normal", "t = sigmoid(mean + std z), z ~ N(0, 1)",
                        List.of(ParamSpec.number("mean", 0, "mean of logit(t)"),
                                ParamSpec.number("std", 1, "standard deviation of logit(t), > 0")),
                        params -> new LogitNormalTimeSampler(params.number("mean"), params.positive("std"))));
    }

    private static VpScheduler vp(ComponentParams params) {
        double low = params.positive("beta-min");
        double high = params.positive("beta-max");
        if (!(high > low)) {
            throw params.invalid("beta-max must be > beta-min, got beta-min = " + params.text("beta-min")
                    + " and beta-max = " + params.text("beta-max"));
        }
        return new VpScheduler(low, high);
    }

    private static double sigmaMin(ComponentParams params) {
        double v = params.number("sigma-min");
        if (!(v >= 0 && v < 1)) {
            throw params.invalid("sigma-min must be in [0, 1), got " + params.text("sigma-min"));
        }
        return v;
    }
}
