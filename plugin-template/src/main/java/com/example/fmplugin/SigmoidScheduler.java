package com.example.fmplugin;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The sigmoid schedule with steepness {@code k > 0}: the logistic curve {@code s(x) = 1 / (1 + e^-x)}
 * on {@code [-k/2, k/2]}, rescaled to run from 0 to 1,
 *
 * <pre>
 *   alpha_t = (s(k (t - 1/2)) - s(-k/2)) / (s(k/2) - s(-k/2)),   sigma_t = 1 - alpha_t,
 *   dalpha_t / dt = k s(u) (1 - s(u)) / (s(k/2) - s(-k/2)) with u = k (t - 1/2),   dsigma_t / dt = -dalpha_t / dt.
 * </pre>
 *
 * So {@code alpha_0 = 0} (all source) and {@code alpha_1 = 1} (all data), exactly. Points move slowly
 * near both ends and fastest at {@code t = 1/2}, the more so the larger {@code k}; as {@code k -> 0}
 * the schedule tends to the straight line {@code alpha_t = t} of {@code cond-ot}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SigmoidScheduler implements Scheduler {

    private final double k;
    private final double low;   // s(-k/2)
    private final double range; // s(k/2) - s(-k/2)

    /**
     * @param k the steepness, finite and {@code > 0}
     * @throws IllegalArgumentException if {@code k} is not
     */
    public SigmoidScheduler(double k) {
        if (!(k > 0) || !Double.isFinite(k)) {
            throw new IllegalArgumentException("k must be a finite number > 0, got " + k);
        }
        this.k = k;
        this.low = logistic(-k / 2);
        this.range = logistic(k / 2) - low;
    }

    /** @return the steepness {@code k} */
    public double k() {
        return k;
    }

    @Override
    public SchedulerOutput at(double t) {
        double s = logistic(k * (t - 0.5));
        double alpha = (s - low) / range;
        double dAlpha = k * s * (1 - s) / range;
        return new SchedulerOutput(t, alpha, 1 - alpha, dAlpha, -dAlpha);
    }

    @Override
    public String describe() {
        return "sigmoid: alpha = (s(k (t - 1/2)) - s(-k/2)) / (s(k/2) - s(-k/2)), sigma = 1 - alpha, k = " + k;
    }

    @Override
    public String toString() {
        return describe();
    }

    private static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
