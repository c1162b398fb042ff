package org.fmjvm.api.train;

/**
 * Observes a training run on the training thread. Events are immutable; a listener cannot touch
 * the model or the trainer. Throwing from a callback stops the run with that exception (the NaN
 * guard works this way).
 */
public interface TrainingListener {

    /** @param event the run about to start */
    default void onStart(TrainingStart event) {
    }

    /** @param event the step just taken */
    default void onStep(StepEnd event) {
    }

    /**
     * Called after each evaluation on held-out rows, when the run has any.
     *
     * @param event the evaluation's numbers
     */
    default void onValidation(ValidationEnd event) {
    }

    /** @param event the finished run */
    default void onEnd(TrainingEnd event) {
    }
}
