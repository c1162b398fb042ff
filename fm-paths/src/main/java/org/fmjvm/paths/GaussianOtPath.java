package org.fmjvm.paths;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.random.Rng;

/**
 * The optimal-transport Gaussian path of Lipman et al. (2023), "Flow Matching for Generative
 * Modeling": conditioned on a data point {@code x1}, {@code x_t ~ N(mu_t, s_t^2 I)} with mean
 * {@code mu_t = t x1} and standard deviation {@code s_t = 1 - (1 - sigma_min) t}, so the path runs
 * from the standard Gaussian at {@code t = 0} to a small Gaussian of width {@code sigma_min} around
 * {@code x1} at {@code t = 1}.
 *
 * <p>The source points are the noise: {@code x_t = t x1 + s_t x0}. The regression target is the
 * conditional velocity {@code (x1 - (1 - sigma_min) x_t) / (1 - (1 - sigma_min) t)}, which is
 * computed in the algebraically identical form {@code x1 - (1 - sigma_min) x0}: no division, so it is
 * finite for every {@code t} in [0, 1], also at {@code t = 1} with {@code sigma_min = 0}.
 *
 * <p><b>Valid only with a standard Gaussian source.</b> The path assumes {@code x0 ~ N(0, I)}
 * drawn independently of {@code x1}; with another source its conditional paths are not the Gaussians
 * above and the learned flow does not start where sampling starts. It therefore reports
 * {@link #requiresStandardGaussianSource()} as {@code true}, and the trainer refuses any other
 * source. (A coupling that pairs {@code x0} with {@code x1}, such as minibatch OT, also breaks the
 * independence; use independent pairs.) The random generator is not used.
 *
 * <p>Shapes: {@code x0, x1} are {@code [B, D]} of one dtype (float32 or float64, kept in the
 * result), {@code t} is {@code [B, 1]} in [0, 1]. Registered as path {@code gaussian-ot} (parameter
 * {@code sigma-min}, default 0.1). Immutable and thread-safe; results are created in the caller's
 * current scope.
 */
public final class GaussianOtPath implements ProbabilityPath {

    /** The default {@code sigma_min}: the value of TorchCFM's 2D experiments for this path. */
    public static final double DEFAULT_SIGMA_MIN = 0.1;

    private final double sigmaMin;

    /** The path with {@code sigma_min = 0.1}. */
    public GaussianOtPath() {
        this(DEFAULT_SIGMA_MIN);
    }

    /**
     * @param sigmaMin the width of the path at {@code t = 1}, in [0, 1)
     * @throws IllegalArgumentException otherwise
     */
    public GaussianOtPath(double sigmaMin) {
        if (!(sigmaMin >= 0 && sigmaMin < 1)) {
            throw new IllegalArgumentException("sigma-min must be in [0, 1), got " + sigmaMin);
        }
        this.sigmaMin = sigmaMin;
    }

    /** @return {@code sigma_min} */
    public double sigmaMin() {
        return sigmaMin;
    }

    /**
     * @param x0 standard Gaussian noise, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}, same dtype as {@code x0}
     * @param t times in [0, 1], {@code [B, 1]}
     * @param rng not used (the noise is {@code x0})
     * @return {@code x_t = t x1 + (1 - (1 - sigma_min) t) x0} and {@code dx_t = x1 - (1 - sigma_min) x0}
     * @throws org.fmjvm.api.error.ShapeMismatchException if the shapes disagree, naming both
     * @throws IllegalArgumentException if a time is outside [0, 1]
     */
    @Override
    public PathSample sample(Tensor x0, Tensor x1, Tensor t, Rng rng) {
        PathInputs.requireBatch(x0, x1, t);
        double[] ts = PathInputs.times(t);
        double shrink = 1 - sigmaMin;
        double[] std = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            std[i] = 1 - shrink * ts[i];
        }
        Backend backend = x0.backend();
        DType dtype = x0.dtype();
        try (Tensor tc = backend.fromArray(ts, dtype, ts.length, 1);
                Tensor sc = backend.fromArray(std, dtype, std.length, 1);
                Tensor signal = tc.mul(x1);
                Tensor noise = sc.mul(x0);
                Tensor shrunk = x0.mul(shrink)) {
            return new PathSample(x0, x1, t, signal.add(noise), x1.sub(shrunk));
        }
    }

    /** @return {@code true}: the path is only correct with {@code x0 ~ N(0, I)} */
    @Override
    public boolean requiresStandardGaussianSource() {
        return true;
    }

    @Override
    public String describe() {
        return "gaussian-ot: x_t = t x1 + (1 - (1 - sigma_min) t) x0 with x0 ~ N(0, I), target x1 - (1 - sigma_min) x0,"
                + " sigma_min = " + Times.format(sigmaMin);
    }

    @Override
    public String toString() {
        return describe();
    }
}
