package org.fmjvm.paths;

/**
 * The time rules the schedulers and paths of this package share. Stateless.
 *
 * <p><b>Range.</b> Times lie in [0, 1]. A value outside by at most {@value #ROUNDING} (rounding in a
 * solver's time grid, e.g. {@code 0.7 + 0.30000000000000004}) is read as the nearest end; anything
 * farther out, and NaN, is rejected with an {@link IllegalArgumentException} naming the value.
 *
 * <p><b>Ends.</b> Some derivatives are infinite at an end of [0, 1] (for example
 * {@code d sigma_t / dt} of the variance-preserving schedules at {@code t = 1}). Such a derivative
 * is evaluated at the nearest time at least {@value #END_MARGIN} away from that end, so training
 * never sees NaN or infinity. With float32 times (multiples of {@code 2^-24}) a uniformly drawn
 * {@code t} falls in that margin with probability {@code 1e-5}.
 */
final class Times {
    /** How far from an end a derivative that is infinite there is evaluated. */
    static final double END_MARGIN = 1e-5;
    /** How far outside [0, 1] a time may stray by rounding and still be read as the end. */
    static final double ROUNDING = 1e-9;

    private Times() {
    }

    /**
     * @param t a time
     * @return {@code t}, or the nearest end if it lies within {@link #ROUNDING} outside [0, 1]
     * @throws IllegalArgumentException if {@code t} is NaN or farther outside [0, 1]
     */
    static double unit(double t) {
        if (t >= 0 && t <= 1) {
            return t;
        }
        if (t > -ROUNDING && t < 1 + ROUNDING) {
            return t < 0 ? 0 : 1;
        }
        throw new IllegalArgumentException("t must be in [0, 1], got " + t);
    }

    /** @return {@code min(t, 1 - END_MARGIN)}, for a derivative that is infinite at {@code t = 1} */
    static double awayFromOne(double t) {
        return Math.min(t, 1 - END_MARGIN);
    }

    /** @return {@code max(t, END_MARGIN)}, for a derivative that is infinite at {@code t = 0} */
    static double awayFromZero(double t) {
        return Math.max(t, END_MARGIN);
    }

    /** @return {@code t} clamped into {@code [END_MARGIN, 1 - END_MARGIN]}, for a derivative infinite at both ends */
    static double awayFromEnds(double t) {
        return awayFromOne(awayFromZero(t));
    }

    /**
     * @param x a number
     * @return its shortest text, without a trailing {@code .0} for whole numbers, for {@code describe()}
     */
    static String format(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x);
    }
}
