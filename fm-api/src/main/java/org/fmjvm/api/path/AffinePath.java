package org.fmjvm.api.path;

import java.util.Arrays;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;

/**
 * The affine probability path {@code x_t = alpha_t x1 + sigma_t x0} with conditional velocity
 * {@code dx_t = alpha'_t x1 + sigma'_t x0}, its schedule supplied by a {@link Scheduler}. With the
 * conditional-OT schedule ({@code alpha_t = t, sigma_t = 1 - t}) this is the straight line from
 * {@code x0} to {@code x1} travelled at constant speed {@code x1 - x0}.
 *
 * <p>It also converts between the three common parameterisations of a model on this path, so a
 * network trained to predict {@code x1} or the noise {@code x0} can be sampled as a velocity field.
 * All six conversions follow from solving the two linear equations above for the unknown pair;
 * each divides by a quantity that vanishes at one end of the path (noted per method), where the
 * conversion is undefined.
 *
 * <p>Immutable and thread-safe. Results are created in the caller's current scope.
 */
public final class AffinePath implements ProbabilityPath {

    private final Scheduler scheduler;

    /** @param scheduler the schedule {@code (alpha_t, sigma_t)} */
    public AffinePath(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** @return the schedule */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public PathSample sample(Tensor x0, Tensor x1, Tensor t, Rng rng) {
        int[] s0 = x0.shape();
        if (s0.length != 2 || !Arrays.equals(s0, x1.shape())) {
            throw new ShapeMismatchException("x0 and x1 must both have shape [B, D], got " + Arrays.toString(s0)
                    + " and " + Arrays.toString(x1.shape()));
        }
        Shapes.require("t", t, s0[0], 1);
        Coefficients c = coefficients(t, x0.dtype());
        try (c) {
            Tensor xt = c.alpha.mul(x1).add(c.sigma.mul(x0));
            Tensor dxt = c.dAlpha.mul(x1).add(c.dSigma.mul(x0));
            return new PathSample(x0, x1, t, xt, dxt);
        }
    }

    /**
     * {@code v = (alpha' - sigma' alpha / sigma) x1 + (sigma' / sigma) x_t}; undefined where
     * {@code sigma_t = 0} (at {@code t = 1} for the usual schedules).
     *
     * @param x1 predicted data points, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the velocity, {@code [B, D]}
     */
    public Tensor velocityFromX1(Tensor x1, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            Tensor ratio = c.dSigma.div(c.sigma);
            return c.dAlpha.sub(ratio.mul(c.alpha)).mul(x1).add(ratio.mul(xt));
        }
    }

    /**
     * {@code v = (alpha' / alpha) x_t + (sigma' - alpha' sigma / alpha) x0}; undefined where
     * {@code alpha_t = 0} (at {@code t = 0}).
     *
     * @param noise predicted source points {@code x0}, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the velocity, {@code [B, D]}
     */
    public Tensor velocityFromNoise(Tensor noise, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            Tensor ratio = c.dAlpha.div(c.alpha);
            return ratio.mul(xt).add(c.dSigma.sub(ratio.mul(c.sigma)).mul(noise));
        }
    }

    /**
     * {@code x1 = (sigma v - sigma' x_t) / (alpha' sigma - sigma' alpha)}; the denominator is the
     * Wronskian of the schedule, non-zero for any schedule that moves from source to data.
     *
     * @param v velocities, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the implied data points, {@code [B, D]}
     */
    public Tensor x1FromVelocity(Tensor v, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            Tensor w = c.dAlpha.mul(c.sigma).sub(c.dSigma.mul(c.alpha));
            return c.sigma.mul(v).sub(c.dSigma.mul(xt)).div(w);
        }
    }

    /**
     * {@code x0 = (alpha v - alpha' x_t) / (sigma' alpha - alpha' sigma)}.
     *
     * @param v velocities, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the implied source points (the noise), {@code [B, D]}
     */
    public Tensor noiseFromVelocity(Tensor v, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            Tensor w = c.dSigma.mul(c.alpha).sub(c.dAlpha.mul(c.sigma));
            return c.alpha.mul(v).sub(c.dAlpha.mul(xt)).div(w);
        }
    }

    /**
     * {@code x1 = (x_t - sigma x0) / alpha}; undefined where {@code alpha_t = 0}.
     *
     * @param noise source points {@code x0}, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the data points, {@code [B, D]}
     */
    public Tensor x1FromNoise(Tensor noise, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            return xt.sub(c.sigma.mul(noise)).div(c.alpha);
        }
    }

    /**
     * {@code x0 = (x_t - alpha x1) / sigma}; undefined where {@code sigma_t = 0}.
     *
     * @param x1 data points, {@code [B, D]}
     * @param xt points on the path, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @return the source points (the noise), {@code [B, D]}
     */
    public Tensor noiseFromX1(Tensor x1, Tensor xt, Tensor t) {
        try (Coefficients c = coefficients(t, xt.dtype())) {
            return xt.sub(c.alpha.mul(x1)).div(c.sigma);
        }
    }

    @Override
    public String describe() {
        return "affine(" + scheduler.describe() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The four schedule columns at the batch's times, each {@code [B, 1]}. */
    private Coefficients coefficients(Tensor t, DType dtype) {
        if (t.rank() != 2 || t.dim(1) != 1) {
            throw new ShapeMismatchException("t must have shape [B, 1], got " + Arrays.toString(t.shape()));
        }
        double[] ts = t.toDoubleArray();
        int n = ts.length;
        double[] a = new double[n];
        double[] s = new double[n];
        double[] da = new double[n];
        double[] ds = new double[n];
        for (int i = 0; i < n; i++) {
            SchedulerOutput o = scheduler.at(ts[i]);
            a[i] = o.alpha();
            s[i] = o.sigma();
            da[i] = o.dAlpha();
            ds[i] = o.dSigma();
        }
        Backend b = t.backend();
        return new Coefficients(b.fromArray(a, dtype, n, 1), b.fromArray(s, dtype, n, 1), b.fromArray(da, dtype, n, 1),
                b.fromArray(ds, dtype, n, 1));
    }

    private record Coefficients(Tensor alpha, Tensor sigma, Tensor dAlpha, Tensor dSigma) implements AutoCloseable {
        @Override
        public void close() {
            alpha.close();
            sigma.close();
            dAlpha.close();
            dSigma.close();
        }
    }
}
