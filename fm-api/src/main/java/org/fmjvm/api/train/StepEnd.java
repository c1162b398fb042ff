package org.fmjvm.api.train;

/**
 * Sent after every optimizer step.
 *
 * @param step 1-based step number
 * @param totalSteps the number of steps the run will take
 * @param loss the CFM loss of this step's batch (before the update)
 * @param elapsedNanos wall time since training started
 */
public record StepEnd(int step, int totalSteps, double loss, long elapsedNanos) {
}
