package org.fmjvm.paths;

import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.random.Rng;

/**
 * The Brownian-bridge path of Schrödinger-bridge conditional flow matching (Tong et al., 2024,
 * "Improving and generalizing flow-based generative models with minibatch optimal transport"):
 * conditioned on a pair {@code (x0, x1)}, {@code x_t ~ N(mu_t, s_t^2 I)} with the straight-line
 * mean {@code mu_t = t x1 + (1 - t) x0} and the bridge's width {@code s_t = sigma sqrt(t (1 - t))},
 * zero at both ends and largest ({@code sigma / 2}) at {@code t = 1/2}.
 *
 * <p>Each call draws fresh noise {@code eps ~ N(0, I)} from the given generator (through
 * {@link Backend#randn}, one {@code [B, D]} draw whatever {@code t} is) and returns
 * {@code x_t = mu_t + s_t eps} with the conditional velocity
 * {@code dx_t = (1 - 2t) / (2 t (1 - t)) (x_t - mu_t) + (x1 - x0)}, computed in the equivalent form
 * {@code dx_t = x1 - x0 + s'_t eps} with {@code s'_t = sigma (1 - 2t) / (2 sqrt(t (1 - t)))}, which
 * avoids the cancellation in {@code x_t - mu_t}.
 *
 * <p><b>Ends.</b> {@code s'_t} is infinite at {@code t = 0} and {@code t = 1} (where
 * {@code x_t - mu_t = 0}, so the first form is {@code 0 * infinity}). It is evaluated at {@code t}
 * clamped into {@code [1e-5, 1 - 1e-5]}, so {@code |s'_t| <= 158 sigma}: at the ends {@code x_t} is
 * exactly {@code x0} or {@code x1} and the target is {@code x1 - x0} plus zero-mean noise independent
 * of {@code x_t}, so it stays an unbiased regression target. Nothing is NaN or infinite for any
 * {@code t} in [0, 1].
 *
 * <p>Any source works ({@link #requiresStandardGaussianSource()} is {@code false}); Schrödinger-bridge
 * CFM pairs it with an entropic-OT coupling of regularisation {@code 2 sigma^2}, chosen separately.
 *
 * <p>Shapes: {@code x0, x1} are {@code [B, D]} of one dtype (float32 or float64, kept in the result;
 * the float32 noise is widened for float64), {@code t} is {@code [B, 1]} in [0, 1]. Registered as
 * path {@code brownian-bridge} (parameter {@code sigma}, default 0.5). Immutable and thread-safe;
 * results are created in the caller's current scope.
 */
public final class BrownianBridgePath implements ProbabilityPath {

    /**
     * The default {@code sigma}: TorchCFM's 2D tutorial value for this path (eight Gaussians to two
     * moons, a scale like the four Gaussians' here), giving a width of 0.25 at {@code t = 1/2}.
     */
    public static final double DEFAULT_SIGMA = 0.5;

    private final double sigma;

    /** The path with {@code sigma = 0.5}. */
    public BrownianBridgePath() {
        this(DEFAULT_SIGMA);
    }

    /**
     * @param sigma the bridge's noise scale, finite and {@code > 0}
     * @throws IllegalArgumentException otherwise
     */
    public BrownianBridgePath(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be > 0, got " + sigma);
        }
        this.sigma = sigma;
    }

    /** @return {@code sigma} */
    public double sigma() {
        return sigma;
    }

    /**
     * @param x0 source points, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}, same dtype as {@code x0}
     * @param t times in [0, 1], {@code [B, 1]}
     * @param rng the generator the noise {@code eps} is drawn from ({@code B * D} normals)
     * @return {@code x_t = mu_t + s_t eps} and {@code dx_t = x1 - x0 + s'_t eps}
     * @throws org.fmjvm.api.error.ShapeMismatchException if the shapes disagree, naming both
     * @throws IllegalArgumentException if a time is outside [0, 1]
     */
    @Override
    public PathSample sample(Tensor x0, Tensor x1, Tensor t, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        int[] bd = PathInputs.requireBatch(x0, x1, t);
        double[] ts = PathInputs.times(t);
        int b = ts.length;
        double[] rest = new double[b];
        double[] width = new double[b];
        double[] speed = new double[b];
        for (int i = 0; i < b; i++) {
            double u = ts[i];
            rest[i] = 1 - u;
            width[i] = sigma * Math.sqrt(u * (1 - u));
            double c = Times.awayFromEnds(u);
            speed[i] = sigma * (1 - 2 * c) / (2 * Math.sqrt(c * (1 - c)));
        }
        Backend backend = x0.backend();
        DType dtype = x0.dtype();
        try (Tensor eps = noise(backend, rng, bd, dtype);
                Tensor tc = backend.fromArray(ts, dtype, ts.length, 1);
                Tensor rc = backend.fromArray(rest, dtype, rest.length, 1);
                Tensor wc = backend.fromArray(width, dtype, width.length, 1);
                Tensor sc = backend.fromArray(speed, dtype, speed.length, 1);
                Tensor toData = tc.mul(x1);
                Tensor fromSource = rc.mul(x0);
                Tensor mean = toData.add(fromSource);
                Tensor spread = wc.mul(eps);
                Tensor line = x1.sub(x0);
                Tensor widening = sc.mul(eps)) {
            return new PathSample(x0, x1, t, mean.add(spread), line.add(widening));
        }
    }

    private static Tensor noise(Backend backend, Rng rng, int[] bd, DType dtype) {
        Tensor eps = backend.randn(rng, bd[0], bd[1]);
        if (eps.dtype() == dtype) {
            return eps;
        }
        try (eps) {
            return eps.toDType(dtype);
        }
    }

    @Override
    public String describe() {
        return "brownian-bridge: x_t = t x1 + (1 - t) x0 + sigma sqrt(t (1 - t)) eps, eps ~ N(0, I), sigma = "
                + Times.format(sigma);
    }

    @Override
    public String toString() {
        return describe();
    }
}
