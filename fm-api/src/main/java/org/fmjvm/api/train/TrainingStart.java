package org.fmjvm.api.train;

import java.util.Objects;

/**
 * Sent once before the first step.
 *
 * @param totalSteps the number of steps the run will take
 * @param batch the batch size
 * @param seed the run's seed
 * @param summary the resolved components, one line each, e.g. {@code backend: djl (PyTorch 2.7.1 ...)}
 */
public record TrainingStart(int totalSteps, int batch, long seed, String summary) {
    /** Rejects nulls. */
    public TrainingStart {
        Objects.requireNonNull(summary, "summary");
    }
}
