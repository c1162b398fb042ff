package org.fmjvm.core.data;

import org.fmjvm.api.random.Rng;

/**
 * Two interleaved half circles ({@value Datasets#MOONS}), in FFJORD's scaling: a point is drawn on
 * the upper moon {@code (cos a, sin a)} or the lower moon {@code (1 - cos a, 0.5 - sin a)} with
 * probability 1/2 each, {@code a ~ U[0, pi)}, plus {@code N(0, 0.1^2 I)} noise, then mapped by
 * {@code x -> 2 x + (-1, -0.2)}. So the moons have radius 2 and the noise std is 0.2.
 *
 * <p>Draw order per point: {@code nextInt(2)} (which moon), {@code nextDouble()} (angle), two
 * normals. No closed-form density.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class Moons extends AbstractDataset {

    /** One line on what it is, without its name. */
    static final String DESCRIPTION = "two interleaved half circles of radius 2, noise std 0.2 (FFJORD scaling)";

    /** Noise std before the factor-2 scaling. */
    public static final double NOISE = 0.1;
    /** Scale applied after the noise. */
    public static final double SCALE = 2.0;
    /** Shift applied after scaling. */
    public static final double SHIFT_X = -1.0;
    /** Shift applied after scaling. */
    public static final double SHIFT_Y = -0.2;

    /** Creates the data set; it has no parameters. */
    public Moons() {
        super(Datasets.MOONS, 2);
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        boolean upper = rng.nextInt(2) == 0;
        double a = Math.PI * rng.nextDouble();
        double x = upper ? Math.cos(a) : 1 - Math.cos(a);
        double y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
        x += NOISE * rng.nextGaussian();
        y += NOISE * rng.nextGaussian();
        out[at] = (float) (SCALE * x + SHIFT_X);
        out[at + 1] = (float) (SCALE * y + SHIFT_Y);
    }

    @Override
    public String describe() {
        return Datasets.MOONS + ": " + DESCRIPTION;
    }
}
