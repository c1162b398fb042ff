package org.fmjvm.core.data;

import java.util.Optional;

import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;

/**
 * A 4 x 4 checkerboard on {@code [-4, 4)^2} with every other square filled ({@value
 * Datasets#CHECKERBOARD}, FFJORD's layout): the 8 squares of side 2 whose cell indices
 * {@code floor(x / 2) + floor(y / 2)} are even, uniformly. Its density is {@code 1/32} on those
 * squares and 0 elsewhere.
 *
 * <p>Sampling: {@code u1 = nextDouble()}, {@code c = nextInt(2)}, {@code u2 = nextDouble()}, then
 * {@code x1 = 4 u1 - 2}, {@code x2 = u2 - 2 c + (floor(x1) mod 2)}, point {@code 2 (x1, x2)}; the
 * cells are computed exactly and the float32 result is kept inside its square, so every sample has
 * a finite log density.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class Checkerboard extends AbstractDataset {

    /** One line on what it is, without its name. */
    static final String DESCRIPTION = "uniform on the 8 filled squares (side 2) of a 4 x 4 checkerboard on [-4, 4)^2";

    /** Half the side of the board: the support lies in {@code [-HALF_WIDTH, HALF_WIDTH)^2}. */
    public static final double HALF_WIDTH = 4.0;
    /** Side of one square. */
    public static final double SQUARE = 2.0;
    /** {@code log(1/32)}: the log density on the filled squares (total area 32). */
    public static final double LOG_DENSITY_INSIDE = -Math.log(32);

    /** Creates the data set; it has no parameters. */
    public Checkerboard() {
        super(Datasets.CHECKERBOARD, 2);
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        double s1 = 4 * rng.nextDouble();          // x1 = s1 - 2 in [-2, 2)
        int c = rng.nextInt(2);
        double u2 = rng.nextDouble();
        long ix = (long) Math.floor(s1) - 2;        // the unit cell of x1, exactly
        long iy = Math.floorMod(ix, 2L) - 2L * c;   // the unit cell of x2 = u2 - 2c + (floor(x1) mod 2)
        out[at] = inCell(2.0 * ix, 2 * (s1 - Math.floor(s1)));
        out[at + 1] = inCell(2.0 * iy, 2 * u2);
    }

    /** {@code lo + offset} as a float, kept inside {@code [lo, lo + SQUARE)} despite rounding. */
    private static float inCell(double lo, double offset) {
        float f = (float) (lo + offset);
        float hi = (float) (lo + SQUARE);
        return f >= hi ? Math.nextDown(hi) : f;
    }

    /**
     * @param x first coordinate
     * @param y second coordinate
     * @return whether {@code (x, y)} lies on a filled square
     */
    public static boolean inside(double x, double y) {
        if (!(x >= -HALF_WIDTH && x < HALF_WIDTH && y >= -HALF_WIDTH && y < HALF_WIDTH)) {
            return false;
        }
        long cx = (long) Math.floor(x / SQUARE);
        long cy = (long) Math.floor(y / SQUARE);
        return Math.floorMod(cx + cy, 2L) == 0;
    }

    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.of((points, row) -> inside(points[2 * row], points[2 * row + 1])
                ? LOG_DENSITY_INSIDE : Double.NEGATIVE_INFINITY);
    }

    @Override
    public String describe() {
        return Datasets.CHECKERBOARD + ": " + DESCRIPTION;
    }
}
