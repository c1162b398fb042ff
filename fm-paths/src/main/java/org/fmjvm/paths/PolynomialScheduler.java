package org.fmjvm.paths;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The polynomial schedule {@code alpha_t = t^n}, {@code sigma_t = 1 - t^n} ({@code n > 0}): the
 * points still move on the straight line from {@code x0} to {@code x1}, but with the time-varying
 * speed {@code n t^(n - 1)}; {@code n = 1} is {@link CondOtScheduler}, {@code n > 1} starts slowly
 * and ends fast. Derivatives: {@code alpha'_t = n t^(n - 1)}, {@code sigma'_t = -n t^(n - 1)}.
 *
 * <p>For {@code n < 1} the speed is infinite at {@code t = 0}; there the derivatives are evaluated
 * at {@code max(t, 1e-5)}, so training never sees an infinite target. {@code alpha_0 = 0},
 * {@code sigma_0 = 1}, {@code alpha_1 = 1}, {@code sigma_1 = 0} hold exactly for every {@code n}.
 *
 * <p>Registered as path {@code poly} (parameter {@code n}, default 2). Immutable and thread-safe.
 */
public final class PolynomialScheduler implements Scheduler {

    private final double n;

    /**
     * @param n the exponent, finite and {@code > 0}
     * @throws IllegalArgumentException otherwise
     */
    public PolynomialScheduler(double n) {
        if (!(n > 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        this.n = n;
    }

    /** @return the exponent {@code n} */
    public double n() {
        return n;
    }

    /**
     * @param t a time in [0, 1]
     * @return the schedule at {@code t}
     * @throws IllegalArgumentException if {@code t} is outside [0, 1] (beyond rounding) or NaN
     */
    @Override
    public SchedulerOutput at(double t) {
        double u = Times.unit(t);
        double alpha = Math.pow(u, n);
        double speed = n * Math.pow(n < 1 ? Times.awayFromZero(u) : u, n - 1);
        return new SchedulerOutput(t, alpha, 1 - alpha, speed, -speed);
    }

    @Override
    public String describe() {
        String p = Times.format(n);
        return "poly: alpha = t^" + p + ", sigma = 1 - t^" + p;
    }

    @Override
    public String toString() {
        return describe();
    }
}
