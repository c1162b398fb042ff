package org.fmjvm.paths;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The linear variance-preserving schedule {@code alpha_t = t}, {@code sigma_t = sqrt(1 - t^2)}
 * ({@code alpha_t^2 + sigma_t^2 = 1}). Derivatives: {@code alpha'_t = 1},
 * {@code sigma'_t = -t / sqrt(1 - t^2)}.
 *
 * <p>Ends: {@code alpha_0 = 0}, {@code sigma_0 = 1}, {@code alpha_1 = 1}, {@code sigma_1 = 0}
 * exactly. {@code sigma'_t} is infinite at {@code t = 1}; there it is evaluated at
 * {@code min(t, 1 - 1e-5)}, where it is about -224. {@code sigma_t} is computed as
 * {@code sqrt((1 - t)(1 + t))} to keep its precision near {@code t = 1}.
 *
 * <p>Registered as path {@code linear-vp}. Immutable and thread-safe.
 */
public final class LinearVpScheduler implements Scheduler {

    /**
     * @param t a time in [0, 1]
     * @return the schedule at {@code t}; {@code sigma'} at {@code min(t, 1 - 1e-5)}
     * @throws IllegalArgumentException if {@code t} is outside [0, 1] (beyond rounding) or NaN
     */
    @Override
    public SchedulerOutput at(double t) {
        double u = Times.unit(t);
        double ud = Times.awayFromOne(u);
        double dSigma = -ud / Math.sqrt((1 - ud) * (1 + ud));
        return new SchedulerOutput(t, u, Math.sqrt((1 - u) * (1 + u)), 1, dSigma);
    }

    @Override
    public String describe() {
        return "linear-vp: alpha = t, sigma = sqrt(1 - t^2)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
