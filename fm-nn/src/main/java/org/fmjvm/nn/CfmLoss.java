package org.fmjvm.nn;

import org.fmjvm.api.Tensor;

/**
 * The conditional flow-matching regression loss, written once:
 * {@code mean_b w_b || prediction_b - target_b ||^2}, the squared Euclidean norm over the {@code D}
 * coordinates and a (weighted) mean over the batch. With no weights it is exactly the loss
 * {@link org.fmjvm.api.model.TrainableModel#trainStep} documents. Per-sample weights make other
 * parameterisations and time weightings possible: an x1- or noise-predicting network with the
 * matching target, or a weight {@code lambda(t)} per sample.
 */
public final class CfmLoss {
    private CfmLoss() {
    }

    /**
     * @param prediction the network's output {@code [B, D]}
     * @param target the regression target {@code [B, D]}, e.g. {@code x1 - x0}
     * @param weights per-sample weights {@code [B]}, or null for 1
     * @return the loss, a scalar tensor
     */
    public static Tensor of(Tensor prediction, Tensor target, Tensor weights) {
        Tensor diff = prediction.sub(target);
        Tensor squares = diff.square();
        diff.close();
        Tensor perRow = squares.sum(1, false);
        squares.close();
        if (weights != null) {
            Tensor weighted = perRow.mul(weights);
            perRow.close();
            perRow = weighted;
        }
        Tensor loss = perRow.mean();
        perRow.close();
        return loss;
    }
}
