package org.fmjvm.core.data;

import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.random.Rng;

/**
 * Two interleaved spirals ({@value Datasets#TWO_SPIRALS}), in FFJORD's construction: with
 * {@code r = 3 pi sqrt(u)}, {@code u ~ U[0, 1)}, a point {@code (-r cos r + 0.5 u1, r sin r + 0.5 u2)},
 * {@code u1, u2 ~ U[0, 1)}, is kept or negated with probability 1/2 each (one spiral each), divided
 * by 3 and given {@code N(0, 0.1^2 I)} noise.
 *
 * <p>Draw order per point: {@code nextDouble()} ({@code u}), {@code nextDouble()} twice (jitter),
 * {@code nextInt(2)} (which spiral), two normals. No closed-form density.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class TwoSpirals implements Dataset {

    /** Largest spiral angle in radians (540 degrees). */
    public static final double MAX_ANGLE = 3 * Math.PI;
    /** Std of the Gaussian noise added last. */
    public static final double NOISE = 0.1;

    /** Creates the data set; it has no parameters. */
    public TwoSpirals() {
    }

    @Override
    public String name() {
        return Datasets.TWO_SPIRALS;
    }

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public float[] sample(int n, Rng rng) {
        GaussianMixture.requireCount(n);
        Objects.requireNonNull(rng, "rng");
        float[] out = new float[Math.multiplyExact(2, n)];
        for (int i = 0; i < n; i++) {
            double r = Math.sqrt(rng.nextDouble()) * MAX_ANGLE;
            double x = -Math.cos(r) * r + 0.5 * rng.nextDouble();
            double y = Math.sin(r) * r + 0.5 * rng.nextDouble();
            double sign = rng.nextInt(2) == 0 ? 1 : -1;
            out[2 * i] = (float) (sign * x / 3 + NOISE * rng.nextGaussian());
            out[2 * i + 1] = (float) (sign * y / 3 + NOISE * rng.nextGaussian());
        }
        return out;
    }

    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return Datasets.TWO_SPIRALS + ": two interleaved spirals of 1.5 turns, radius up to about 3.3, noise std 0.1 "
                + "(FFJORD construction)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
