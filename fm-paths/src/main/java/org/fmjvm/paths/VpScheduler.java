package org.fmjvm.paths;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The variance-preserving schedule of score-based diffusion (the VP SDE with a linear noise rate
 * {@code beta(s) = beta_min + s (beta_max - beta_min)} in diffusion time {@code s = 1 - t}), written
 * in flow-matching time ({@code t = 0} noise, {@code t = 1} data). With the integrated noise rate
 * {@code T(t) = (1 - t)^2 (beta_max - beta_min) / 2 + (1 - t) beta_min}:
 *
 * <ul>
 *   <li>{@code alpha_t = exp(-T / 2)} and {@code sigma_t = sqrt(1 - exp(-T))}, so
 *       {@code alpha_t^2 + sigma_t^2 = 1} (the variance of a unit-variance signal is preserved);
 *   <li>{@code T'(t) = -(1 - t) (beta_max - beta_min) - beta_min};
 *   <li>{@code alpha'_t = -T' alpha_t / 2} and {@code sigma'_t = T' exp(-T) / (2 sigma_t)}.
 * </ul>
 *
 * <p>Ends: {@code alpha_1 = 1} and {@code sigma_1 = 0} exactly, but at {@code t = 0} the path is not
 * pure noise: with the defaults {@code alpha_0 = exp(-5.025) = 0.0066} and
 * {@code sigma_0 = 0.99998}. {@code sigma'_t} is infinite at {@code t = 1} (it grows like
 * {@code -sqrt(beta_min) / (2 sqrt(1 - t))}); there it is evaluated at {@code min(t, 1 - 1e-5)},
 * where it is about -50 with the defaults. {@code sigma_t} is computed as
 * {@code sqrt(-expm1(-T))} to keep its precision near {@code t = 1}.
 *
 * <p>Registered as path {@code vp} (parameters {@code beta-min} 0.1 and {@code beta-max} 20, the
 * values of Song et al.'s VP SDE and of flow_matching's {@code VPScheduler}). Immutable and
 * thread-safe.
 */
public final class VpScheduler implements Scheduler {

    /** The default {@code beta_min}. */
    public static final double DEFAULT_BETA_MIN = 0.1;
    /** The default {@code beta_max}. */
    public static final double DEFAULT_BETA_MAX = 20;

    private final double betaMin;
    private final double betaMax;

    /** The schedule with {@code beta_min = 0.1}, {@code beta_max = 20}. */
    public VpScheduler() {
        this(DEFAULT_BETA_MIN, DEFAULT_BETA_MAX);
    }

    /**
     * @param betaMin the noise rate at the data end, finite and {@code > 0}
     * @param betaMax the noise rate at the noise end, finite and {@code > betaMin}
     * @throws IllegalArgumentException unless {@code 0 < betaMin < betaMax < infinity}
     */
    public VpScheduler(double betaMin, double betaMax) {
        if (!(betaMin > 0) || !(betaMax > betaMin) || Double.isInfinite(betaMax)) {
            throw new IllegalArgumentException("need 0 < beta-min < beta-max, got beta-min = " + betaMin
                    + " and beta-max = " + betaMax);
        }
        this.betaMin = betaMin;
        this.betaMax = betaMax;
    }

    /** @return {@code beta_min} */
    public double betaMin() {
        return betaMin;
    }

    /** @return {@code beta_max} */
    public double betaMax() {
        return betaMax;
    }

    /**
     * @param t a time in [0, 1]
     * @return the schedule at {@code t}; {@code sigma'} at {@code min(t, 1 - 1e-5)}
     * @throws IllegalArgumentException if {@code t} is outside [0, 1] (beyond rounding) or NaN
     */
    @Override
    public SchedulerOutput at(double t) {
        double u = Times.unit(t);
        double bigT = integratedRate(u);
        double dBigT = rate(u);
        double alpha = Math.exp(-0.5 * bigT);
        double sigma = Math.sqrt(-Math.expm1(-bigT));
        double dAlpha = -0.5 * dBigT * alpha;
        double ud = Times.awayFromOne(u);
        double bigTd = integratedRate(ud);
        double dSigma = 0.5 * rate(ud) * Math.exp(-bigTd) / Math.sqrt(-Math.expm1(-bigTd));
        return new SchedulerOutput(t, alpha, sigma, dAlpha, dSigma);
    }

    /** {@code T(t)}: the noise rate integrated over diffusion time from 0 to {@code 1 - t}. */
    private double integratedRate(double t) {
        double s = 1 - t;
        return 0.5 * s * s * (betaMax - betaMin) + s * betaMin;
    }

    /** {@code T'(t)}, which is {@code -beta(1 - t)}. */
    private double rate(double t) {
        return -((1 - t) * (betaMax - betaMin) + betaMin);
    }

    @Override
    public String describe() {
        return "vp: alpha = exp(-T/2), sigma = sqrt(1 - exp(-T)), T = (1-t)^2 (beta_max - beta_min)/2 + (1-t) beta_min,"
                + " beta_min = " + Times.format(betaMin) + ", beta_max = " + Times.format(betaMax);
    }

    @Override
    public String toString() {
        return describe();
    }
}
