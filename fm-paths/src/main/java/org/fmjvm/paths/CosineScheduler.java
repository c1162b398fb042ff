package org.fmjvm.paths;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The cosine schedule {@code alpha_t = sin(pi t / 2)}, {@code sigma_t = cos(pi t / 2)}: a quarter
 * turn from {@code x0} to {@code x1} at constant angular speed, with
 * {@code alpha_t^2 + sigma_t^2 = 1}. Derivatives: {@code alpha'_t = (pi / 2) sigma_t},
 * {@code sigma'_t = -(pi / 2) alpha_t}, finite everywhere.
 *
 * <p>{@code sigma_t} is computed as {@code sin(pi (1 - t) / 2)}, so {@code alpha_0 = 0},
 * {@code sigma_0 = 1}, {@code alpha_1 = 1} and {@code sigma_1 = 0} hold exactly (the cosine of the
 * double nearest {@code pi / 2} is {@code 6e-17}, not 0).
 *
 * <p>Registered as path {@code cosine}. Immutable and thread-safe.
 */
public final class CosineScheduler implements Scheduler {

    private static final double HALF_PI = Math.PI / 2;

    /**
     * @param t a time in [0, 1]
     * @return the schedule at {@code t}
     * @throws IllegalArgumentException if {@code t} is outside [0, 1] (beyond rounding) or NaN
     */
    @Override
    public SchedulerOutput at(double t) {
        double u = Times.unit(t);
        double alpha = Math.sin(HALF_PI * u);
        double sigma = Math.sin(HALF_PI * (1 - u));
        return new SchedulerOutput(t, alpha, sigma, HALF_PI * sigma, -HALF_PI * alpha);
    }

    @Override
    public String describe() {
        return "cosine: alpha = sin(pi t / 2), sigma = cos(pi t / 2)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
