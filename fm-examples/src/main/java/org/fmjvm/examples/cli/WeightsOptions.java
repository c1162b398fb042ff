package org.fmjvm.examples.cli;

import org.fmjvm.core.checkpoint.Checkpoints;

import picocli.CommandLine.Option;

/**
 * Which of a checkpoint's weights the commands that run its model use ({@code sample},
 * {@code likelihood}, {@code compare}): the moving average that {@code fm train --ema} kept, or the
 * trained weights.
 */
final class WeightsOptions {

    @Option(names = "--weights", paramLabel = "ema|final",
            description = "Which weights of the checkpoint to use: ema (the moving average fm train --ema kept) or"
                    + " final (the trained weights) (default: ema when the checkpoint holds it, else final).")
    String weights;

    /** Fails fast on an unknown name, before natives load or the checkpoint is read. */
    void validate() {
        if (weights != null) {
            Checkpoints.WeightsKind.parse(weights, "--weights");
        }
    }

    /**
     * @param loaded the checkpoint
     * @return the chosen kind, or the checkpoint's default (EMA when it holds it)
     */
    Checkpoints.WeightsKind kind(Checkpoints.Loaded loaded) {
        return weights == null ? loaded.defaultWeights() : Checkpoints.WeightsKind.parse(weights, "--weights");
    }

    /**
     * The weights to run and how to name them.
     *
     * @param loaded the checkpoint
     * @return the chosen weights and their description, e.g. {@code EMA weights (decay 0.999)}
     * @throws org.fmjvm.api.error.ConfigurationException if {@code --weights ema} is asked of a
     *     checkpoint without EMA weights, saying how to get them
     */
    Chosen choose(Checkpoints.Loaded loaded) {
        Checkpoints.WeightsKind kind = kind(loaded);
        return new Chosen(loaded.weights(kind), loaded.describe(kind));
    }

    /**
     * @param weights the weights to run
     * @param description how to name them to the user
     */
    record Chosen(org.fmjvm.api.model.ModelWeights weights, String description) {
    }
}
