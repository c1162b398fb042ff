package org.fmjvm.core.train;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.train.ValidationEnd;

/**
 * What a training run produced besides the model.
 *
 * @param losses the loss of every step, in order
 * @param finalLoss the mean loss over the last {@code min(steps, 100)} steps
 * @param wallNanos wall time of the run
 * @param validation every held-out evaluation in order, empty without a {@link Validation}
 * @param bestWeights the weights of the lowest held-out loss when the run kept them, else {@code null}
 * @param emaWeights the moving average of the weights after the last step when the run kept one
 *     ({@link TrainingConfig#emaDecay()}), else {@code null}
 * @param bestEmaWeights the moving average at the step of {@code bestWeights} when the run kept both,
 *     else {@code null}; with a moving average the held-out evaluation scores the average, so this is
 *     the set whose held-out loss was lowest, and {@code bestWeights} are the trained weights of the
 *     same step
 */
public record TrainingResult(double[] losses, double finalLoss, long wallNanos, List<ValidationEnd> validation,
        ModelWeights bestWeights, ModelWeights emaWeights, ModelWeights bestEmaWeights) {

    /** Copies the losses and the list. */
    public TrainingResult {
        losses = losses.clone();
        validation = List.copyOf(Objects.requireNonNull(validation, "validation"));
        if (bestEmaWeights != null && (bestWeights == null || emaWeights == null)) {
            throw new IllegalArgumentException("a kept best moving average needs the kept best weights and the"
                    + " final moving average");
        }
    }

    /**
     * A run without a moving average of the weights.
     *
     * @param losses every step's loss
     * @param finalLoss the mean loss over the last steps
     * @param wallNanos wall time
     * @param validation every held-out evaluation in order
     * @param bestWeights the weights of the lowest held-out loss, or {@code null}
     */
    public TrainingResult(double[] losses, double finalLoss, long wallNanos, List<ValidationEnd> validation,
            ModelWeights bestWeights) {
        this(losses, finalLoss, wallNanos, validation, bestWeights, null, null);
    }

    /**
     * A run without held-out evaluation.
     *
     * @param losses every step's loss
     * @param finalLoss the mean loss over the last steps
     * @param wallNanos wall time
     */
    public TrainingResult(double[] losses, double finalLoss, long wallNanos) {
        this(losses, finalLoss, wallNanos, List.of(), null, null, null);
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    /** @return wall time in seconds */
    public double wallSeconds() {
        return wallNanos / 1e9;
    }

    /** @return the evaluation with the lowest held-out loss, if there was any */
    public Optional<ValidationEnd> bestValidation() {
        return validation.stream().min(java.util.Comparator.comparingDouble(ValidationEnd::heldOutLoss));
    }

    /** @return the last held-out evaluation, if there was any */
    public Optional<ValidationEnd> lastValidation() {
        return validation.isEmpty() ? Optional.empty() : Optional.of(validation.get(validation.size() - 1));
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
