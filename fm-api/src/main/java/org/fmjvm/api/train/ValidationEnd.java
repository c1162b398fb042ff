package org.fmjvm.api.train;

/**
 * Sent after each evaluation on the held-out rows. Both losses are the CFM loss of the training
 * objective on fixed draws (the same noise, times and pairs at every evaluation), so their changes
 * come from the weights alone; {@code trainLoss} is measured the same way on a fixed subset of the
 * training rows, so the two compare directly. The negative log-likelihoods are means over rows in
 * nats, in the data's units (a normalisation's log-determinant included), or {@code null} where no
 * likelihood is computed.
 *
 * @param step 1-based step after which the evaluation ran
 * @param trainLoss the CFM loss on the training subset
 * @param heldOutLoss the CFM loss on the held-out rows
 * @param trainNll the mean negative log-likelihood of the training subset, or {@code null}
 * @param heldOutNll the mean negative log-likelihood of the held-out rows, or {@code null}
 * @param best whether {@code heldOutLoss} is the lowest so far
 */
public record ValidationEnd(int step, double trainLoss, double heldOutLoss, Double trainNll, Double heldOutNll,
        boolean best) {
}
