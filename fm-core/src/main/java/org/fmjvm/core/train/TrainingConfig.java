package org.fmjvm.core.train;

import java.util.Objects;
import java.util.OptionalDouble;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelInputs;

/**
 * How long and how wide to train, and whether to keep a moving average of the weights.
 *
 * @param steps optimizer steps, {@code >= 1}
 * @param batch pairs per step, {@code >= 1}
 * @param schedule how the learning rate changes over the run
 * @param emaDecay the decay of an exponential moving average of the weights kept during the run
 *     ({@code ema = ema + (1 - decay) (w - ema)} after every step, from the initial weights; see
 *     {@link org.fmjvm.api.model.TrainableModel#enableEma}), in {@code [0, 1)}, or empty for none
 */
public record TrainingConfig(int steps, int batch, LearningRateSchedule schedule, OptionalDouble emaDecay) {

    /**
     * @param steps optimizer steps
     * @param batch pairs per step
     */
    public TrainingConfig(int steps, int batch) {
        this(steps, batch, new LearningRateSchedule.Constant());
    }

    /**
     * A run without a moving average.
     *
     * @param steps optimizer steps
     * @param batch pairs per step
     * @param schedule how the learning rate changes over the run
     */
    public TrainingConfig(int steps, int batch, LearningRateSchedule schedule) {
        this(steps, batch, schedule, OptionalDouble.empty());
    }

    /** Validates. */
    public TrainingConfig {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(emaDecay, "emaDecay");
        if (steps < 1) {
            throw new ConfigurationException("steps must be >= 1, got " + steps);
        }
        if (batch < 1) {
            throw new ConfigurationException("batch must be >= 1, got " + batch);
        }
        if (emaDecay.isPresent()) {
            try {
                ModelInputs.emaDecay(emaDecay.getAsDouble());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
        }
    }

    /**
     * @param decay the decay of the moving average of the weights, in {@code [0, 1)}, e.g. 0.999
     * @return this budget, keeping that average
     * @throws ConfigurationException if the decay is outside {@code [0, 1)}, saying what it means
     */
    public TrainingConfig withEma(double decay) {
        return new TrainingConfig(steps, batch, schedule, OptionalDouble.of(decay));
    }
}
