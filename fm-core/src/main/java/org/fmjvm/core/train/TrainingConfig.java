package org.fmjvm.core.train;

import org.fmjvm.api.error.ConfigurationException;

/**
 * How long and how wide to train.
 *
 * @param steps optimizer steps, {@code >= 1}
 * @param batch pairs per step, {@code >= 1}
 * @param schedule how the learning rate changes over the run
 */
public record TrainingConfig(int steps, int batch, LearningRateSchedule schedule) {

    /**
     * @param steps optimizer steps
     * @param batch pairs per step
     */
    public TrainingConfig(int steps, int batch) {
        this(steps, batch, new LearningRateSchedule.Constant());
    }

    /** Validates. */
    public TrainingConfig {
        java.util.Objects.requireNonNull(schedule, "schedule");
        if (steps < 1) {
            throw new ConfigurationException("steps must be >= 1, got " + steps);
        }
        if (batch < 1) {
            throw new ConfigurationException("batch must be >= 1, got " + batch);
        }
    }
}
