package org.fmjvm.core.data;

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
public final class TwoSpirals extends AbstractDataset {

    /** One line on what it is, without its name. */
    static final String DESCRIPTION = "two interleaved spirals of 1.5 turns, radius up to about 3.3, noise std 0.1 "
            + "(FFJORD construction)";

    /** Largest spiral angle in radians (540 degrees). */
    public static final double MAX_ANGLE = 3 * Math.PI;
    /** Std of the Gaussian noise added last. */
    public static final double NOISE = 0.1;

    /** Creates the data set; it has no parameters. */
    public TwoSpirals() {
        super(Datasets.TWO_SPIRALS, 2);
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        double r = Math.sqrt(rng.nextDouble()) * MAX_ANGLE;
        double x = -Math.cos(r) * r + 0.5 * rng.nextDouble();
        double y = Math.sin(r) * r + 0.5 * rng.nextDouble();
        double sign = rng.nextInt(2) == 0 ? 1 : -1;
        out[at] = (float) (sign * x / 3 + NOISE * rng.nextGaussian());
        out[at + 1] = (float) (sign * y / 3 + NOISE * rng.nextGaussian());
    }

    @Override
    public String describe() {
        return Datasets.TWO_SPIRALS + ": " + DESCRIPTION;
    }
}
