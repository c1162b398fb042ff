package org.fmjvm.api.train;

import java.util.Objects;

/**
 * Sent once before the first step the run takes.
 *
 * @param totalSteps the number of steps the run will have taken at its end
 * @param batch the batch size
 * @param seed the run's seed
 * @param summary the resolved components, one line each, e.g. {@code backend: djl (PyTorch 2.7.1 ...)}
 * @param resumedFrom {@code 0} for a fresh run; for a run resumed from a snapshot, the steps already
 *     completed, so the next {@link StepEnd} is step {@code resumedFrom + 1} (a progress bar starts there)
 */
public record TrainingStart(int totalSteps, int batch, long seed, String summary, int resumedFrom) {
    /** Rejects nulls and a resume point outside {@code [0, totalSteps)}. */
    public TrainingStart {
        Objects.requireNonNull(summary, "summary");
        if (resumedFrom < 0 || resumedFrom >= totalSteps) {
            throw new IllegalArgumentException("resumedFrom must be in [0, " + totalSteps + "), got " + resumedFrom);
        }
    }

    /**
     * A fresh run.
     *
     * @param totalSteps the number of steps the run will take
     * @param batch the batch size
     * @param seed the run's seed
     * @param summary the resolved components
     */
    public TrainingStart(int totalSteps, int batch, long seed, String summary) {
        this(totalSteps, batch, seed, summary, 0);
    }

    /** @return whether the run continues a snapshot */
    public boolean resumed() {
        return resumedFrom > 0;
    }
}
