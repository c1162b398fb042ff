package org.fmjvm.core.normalize;

/**
 * The standard normal distribution in float64: the density {@code phi}, the distribution function
 * {@code Phi} and its inverse. For {@code x} from -37 to 37 (probabilities down to about 1e-300)
 * {@code phi} and the lower tail {@code Phi(x <= 0)} have a relative error below 1e-14 (about 1e-16
 * for {@code x < -1.5}), {@code Phi} an absolute error below 1e-15 everywhere, and {@code Phi^-1} is
 * accurate to the same degree.
 *
 * <p>{@code Phi(-a)} for {@code a >= 0} is {@code 1/2 - phi(a) (a + a^3/3 + a^5/(3*5) + ...)} below
 * {@code a = 1.5} (a series of positive terms) and {@code phi(a)} times Laplace's continued fraction
 * of the Mills ratio, {@code 1/(a + 1/(a + 2/(a + 3/(a + ...))))}, above. {@code Phi^-1} starts from
 * Acklam's rational approximation (relative error about 1e-9) and takes one Halley step on
 * {@code Phi(x) - p}. Upper probabilities are handled through the symmetry
 * {@code Phi^-1(p) = -Phi^-1(1 - p)}, where {@code 1 - p} is exact for {@code p >= 1/2}.
 *
 * <p>Only {@link StrictMath} is used, so every result is bitwise the same on every JVM.
 *
 * <p>Thread safety: stateless.
 */
final class StandardNormal {

    /** {@code 1 / sqrt(2 pi)}. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** {@code log(sqrt(2 pi))}. */
    static final double LOG_SQRT_2PI = 0.9189385332046728;

    /** Below this {@code |x|} the series is used for the tail, above it the continued fraction. */
    private static final double SERIES_LIMIT = 1.5;
    /** Beyond this {@code |x|} the density and the tail probability are 0 in float64. */
    private static final double UNDERFLOW = 40;

    private static final double[] ACKLAM_A = {-3.969683028665376e+01, 2.209460984245205e+02,
        -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] ACKLAM_B = {-5.447609879822406e+01, 1.615858368580409e+02,
        -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] ACKLAM_C = {-7.784894002430293e-03, -3.223964580411365e-01,
        -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] ACKLAM_D = {7.784695709041462e-03, 3.224671290700398e-01,
        2.445134137142996e+00, 3.754408661907416e+00};
    private static final double ACKLAM_LOW = 0.02425;

    private StandardNormal() {
    }

    /**
     * The density {@code phi(x) = exp(-x^2 / 2) / sqrt(2 pi)}. The square is split as
     * {@code xs^2 + (x - xs)(x + xs)} with {@code xs} a multiple of 1/16, so the tail keeps full
     * relative accuracy.
     *
     * @param x any number
     * @return {@code phi(x)}; 0 for {@code |x| > 40}; NaN for NaN
     */
    static double density(double x) {
        double a = Math.abs(x);
        if (Double.isNaN(a)) {
            return Double.NaN;
        }
        if (a > UNDERFLOW) {
            return 0;
        }
        double hi = Math.floor(a * 16) / 16;
        double lo = (a - hi) * (a + hi);
        return INV_SQRT_2PI * StrictMath.exp(-0.5 * hi * hi) * StrictMath.exp(-0.5 * lo);
    }

    /**
     * The distribution function {@code Phi(x) = P(N(0, 1) <= x)}.
     *
     * @param x any number
     * @return {@code Phi(x)} in [0, 1]; relative accuracy holds for {@code x <= 0}, absolute (below
     *     1e-15) for {@code x > 0}
     */
    static double cdf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        return x <= 0 ? lowerTail(-x) : 1 - lowerTail(x);
    }

    /** {@code Phi(-a)} for {@code a >= 0}, with full relative accuracy. */
    private static double lowerTail(double a) {
        if (a < SERIES_LIMIT) {
            double a2 = a * a;
            double term = a;
            double sum = a;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= a2 / (2 * n + 1);
                sum += term;
            }
            return 0.5 - density(a) * sum;
        }
        if (a > UNDERFLOW) {
            return 0;
        }
        // Laplace's continued fraction evaluated backwards; this many terms reach float64 accuracy
        int terms = 40 + (int) (400 / (a * a));
        double f = a;
        for (int k = terms; k >= 1; k--) {
            f = a + k / f;
        }
        return density(a) / f;
    }

    /**
     * The quantile function {@code Phi^-1(p)}: the {@code x} with {@code Phi(x) = p}.
     *
     * @param p a probability in [0, 1]
     * @return {@code Phi^-1(p)}; -Infinity for 0, +Infinity for 1
     * @throws IllegalArgumentException if {@code p} is NaN or outside [0, 1]
     */
    static double inverseCdf(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be a probability in [0, 1], got " + p);
        }
        if (p == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1) {
            return Double.POSITIVE_INFINITY;
        }
        return p > 0.5 ? -lowerInverse(1 - p) : lowerInverse(p);
    }

    /** {@code Phi^-1(p)} for {@code 0 < p <= 1/2}. */
    private static double lowerInverse(double p) {
        double x;
        if (p < ACKLAM_LOW) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(p));
            double[] c = ACKLAM_C;
            double[] d = ACKLAM_D;
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else {
            double q = p - 0.5;
            double r = q * q;
            double[] a = ACKLAM_A;
            double[] b = ACKLAM_B;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        double phi = density(x);
        if (phi > 0) {
            // Halley's step on f(x) = Phi(x) - p, with f' = phi and f'' = -x phi
            double u = (cdf(x) - p) / phi;
            x -= u / (1 + 0.5 * x * u);
        }
        return x;
    }
}
