package org.fmjvm.api.train;

/**
 * Sent once after the last step (not sent when training fails).
 *
 * @param steps steps taken
 * @param finalLoss the mean loss over the last {@code min(steps, 100)} steps
 * @param wallNanos wall time of the whole run
 */
public record TrainingEnd(int steps, double finalLoss, long wallNanos) {
}
