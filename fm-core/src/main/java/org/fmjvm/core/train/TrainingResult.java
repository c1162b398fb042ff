package org.fmjvm.core.train;

/**
 * What a training run produced besides the model.
 *
 * @param losses the loss of every step, in order
 * @param finalLoss the mean loss over the last {@code min(steps, 100)} steps
 * @param wallNanos wall time of the run
 */
public record TrainingResult(double[] losses, double finalLoss, long wallNanos) {
    /** Copies the losses. */
    public TrainingResult {
        losses = losses.clone();
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    /** @return wall time in seconds */
    public double wallSeconds() {
        return wallNanos / 1e9;
    }

    /**
     * @param from first step index (0-based, inclusive)
     * @param to last step index (exclusive)
     * @return the mean loss over those steps
     */
    public double meanLoss(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += losses[i];
        }
        return s / Math.max(1, to - from);
    }
}
