package org.fmjvm.core.train;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelWeights;

/**
 * Snapshots of a training run, and where a run continues from.
 *
 * @param every hand a snapshot to {@code sink} after steps {@code every, 2 every, ...} short of the
 *     last step (the caller saves the finished model itself), once that step's listeners and
 *     held-out evaluation have run, so the snapshot includes them; {@code 0} never
 * @param sink where snapshots go; required when {@code every > 0}, else may be {@code null}
 * @param resumeFrom a snapshot to continue from, or {@code null} for a fresh run; the model passed
 *     to {@link Trainer} must already hold the snapshot's weights
 */
public record Checkpointing(int every, Sink sink, TrainingState resumeFrom) {

    /** Validates. */
    public Checkpointing {
        if (every < 0) {
            throw new ConfigurationException("checkpoint interval must be >= 0 steps (0 = never), got " + every);
        }
        if (every > 0 && sink == null) {
            throw new ConfigurationException("checkpointing every " + every + " steps needs a sink to save to");
        }
    }

    /** @return a fresh run without snapshots */
    public static Checkpointing none() {
        return new Checkpointing(0, null, null);
    }

    /**
     * @param every the interval in steps, {@code >= 1}
     * @param sink where snapshots go
     * @return a fresh run with snapshots
     */
    public static Checkpointing every(int every, Sink sink) {
        if (every < 1) {
            throw new ConfigurationException("checkpoint interval must be >= 1 step, got " + every);
        }
        return new Checkpointing(every, sink, null);
    }

    /**
     * @param state the snapshot to continue from
     * @return these settings, resuming from {@code state}
     */
    public Checkpointing resumingFrom(TrainingState state) {
        return new Checkpointing(every, sink, java.util.Objects.requireNonNull(state, "state"));
    }

    /** Receives snapshots on the training thread; throwing stops the run with that exception. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param currentWeights the model's weights after {@code state.step()} steps
         * @param state everything else needed to continue
         */
        void save(ModelWeights currentWeights, TrainingState state);
    }
}
