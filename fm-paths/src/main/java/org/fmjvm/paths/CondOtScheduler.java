package org.fmjvm.paths;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;

/**
 * The conditional optimal-transport schedule {@code alpha_t = t}, {@code sigma_t = 1 - t}: the
 * straight line from {@code x0} to {@code x1} at constant velocity {@code x1 - x0}. Immutable and
 * thread-safe.
 */
public final class CondOtScheduler implements Scheduler {

    @Override
    public SchedulerOutput at(double t) {
        return new SchedulerOutput(t, t, 1 - t, 1, -1);
    }

    @Override
    public String describe() {
        return "cond-ot: alpha = t, sigma = 1 - t";
    }

    @Override
    public String toString() {
        return describe();
    }
}
