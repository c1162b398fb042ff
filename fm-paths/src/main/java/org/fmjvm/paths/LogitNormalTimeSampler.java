package org.fmjvm.paths;

import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.random.Rng;

/**
 * Training times from the logit-normal distribution: {@code t = sigmoid(mean + std z)} with
 * {@code z ~ N(0, 1)}, i.e. {@code logit(t) ~ N(mean, std^2)}. With {@code mean = 0, std = 1} it puts
 * more weight on the middle of the path than the uniform sampler (the density vanishes at both ends);
 * a positive {@code mean} shifts the weight towards the data end.
 *
 * <p>The times are float32, shape {@code [B, 1]}, strictly inside (0, 1): the few values float32
 * would round to 0 or 1 (which needs {@code |mean + std z| > 16.6}) are moved to the nearest float
 * inside. One standard normal is drawn from the generator per row, in row order.
 *
 * <p>Registered as time sampler {@code logit-normal} (parameters {@code mean} 0 and {@code std} 1).
 * Immutable and thread-safe.
 */
public final class LogitNormalTimeSampler implements TimeSampler {

    private static final float LARGEST_BELOW_ONE = Math.nextDown(1f);

    private final double mean;
    private final double std;

    /** The standard logit-normal sampler: {@code mean = 0}, {@code std = 1}. */
    public LogitNormalTimeSampler() {
        this(0, 1);
    }

    /**
     * @param mean the mean of {@code logit(t)}, finite
     * @param std the standard deviation of {@code logit(t)}, finite and {@code > 0}
     * @throws IllegalArgumentException otherwise
     */
    public LogitNormalTimeSampler(double mean, double std) {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean must be a finite number, got " + mean);
        }
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("std must be > 0, got " + std);
        }
        this.mean = mean;
        this.std = std;
    }

    /** @return the mean of {@code logit(t)} */
    public double mean() {
        return mean;
    }

    /** @return the standard deviation of {@code logit(t)} */
    public double std() {
        return std;
    }

    /**
     * @param backend where to create the tensor (in the current scope)
     * @param batch {@code B}
     * @param rng the generator; {@code B} normals are drawn
     * @return float32 times in (0, 1), shape {@code [B, 1]}
     */
    @Override
    public Tensor sample(Backend backend, int batch, Rng rng) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(rng, "rng");
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        float[] t = new float[batch];
        for (int i = 0; i < batch; i++) {
            double u = mean + std * rng.nextGaussian();
            float v = (float) (1 / (1 + Math.exp(-u)));
            t[i] = Math.min(Math.max(v, Float.MIN_VALUE), LARGEST_BELOW_ONE);
        }
        return backend.fromArray(t, batch, 1);
    }

    @Override
    public String describe() {
        return "logit-normal: t = sigmoid(mean + std z), z ~ N(0, 1), mean = " + Times.format(mean) + ", std = "
                + Times.format(std);
    }

    @Override
    public String toString() {
        return describe();
    }
}
