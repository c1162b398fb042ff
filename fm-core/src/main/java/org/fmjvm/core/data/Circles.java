package org.fmjvm.core.data;

import org.fmjvm.api.random.Rng;

/**
 * Two concentric circles ({@value Datasets#CIRCLES}), in FFJORD's scaling: a point is drawn on the
 * circle of radius 1 or 0.5 with probability 1/2 each, at an angle {@code a ~ U[0, 2 pi)}, plus
 * {@code N(0, 0.08^2 I)} noise, then scaled by 3. So the radii are 3 and 1.5 and the noise std is
 * 0.24.
 *
 * <p>Draw order per point: {@code nextInt(2)} (which circle), {@code nextDouble()} (angle), two
 * normals. No closed-form density.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class Circles extends AbstractDataset {

    /** One line on what it is, without its name. */
    static final String DESCRIPTION = "two concentric circles of radius 3 and 1.5, noise std 0.24 (FFJORD scaling)";

    /** Inner radius relative to the outer one. */
    public static final double FACTOR = 0.5;
    /** Noise std before scaling. */
    public static final double NOISE = 0.08;
    /** Scale applied after the noise. */
    public static final double SCALE = 3.0;

    /** Creates the data set; it has no parameters. */
    public Circles() {
        super(Datasets.CIRCLES, 2);
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        double r = rng.nextInt(2) == 0 ? 1.0 : FACTOR;
        double a = 2 * Math.PI * rng.nextDouble();
        double x = r * Math.cos(a) + NOISE * rng.nextGaussian();
        double y = r * Math.sin(a) + NOISE * rng.nextGaussian();
        out[at] = (float) (SCALE * x);
        out[at + 1] = (float) (SCALE * y);
    }

    @Override
    public String describe() {
        return Datasets.CIRCLES + ": " + DESCRIPTION;
    }
}
