package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.core.ResourceLimits;
import org.fmjvm.core.train.LearningRateSchedule;
import org.fmjvm.core.train.TrainingConfig;

import picocli.CommandLine.Option;

/** Options describing the network, the optimizer and the training budget. */
final class ModelOptions {

    @Option(names = "--steps", paramLabel = "N", defaultValue = "5000",
            description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256",
            description = "Pairs per training step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", paramLabel = "KIND", defaultValue = "cosine",
            description = "Learning rate over the run: constant, cosine (to 0) or cosine:F (to F x lr) (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0",
            description = "Adam L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip-grad-norm", paramLabel = "N", defaultValue = "0",
            description = "Clip the global gradient norm to N; 0 disables (default: ${DEFAULT-VALUE}).")
    double clipGradNorm;

    @Option(names = "--ema", paramLabel = "DECAY",
            description = "Also keep an exponential moving average of the weights, updated after every step as"
                    + " ema += (1 - DECAY) (w - ema), e.g. 0.999 (it then averages about the last 1,000 steps);"
                    + " the checkpoint stores it next to the trained weights and sampling uses it by default"
                    + " (default: none).")
    Double ema;

    @Option(names = "--hidden", paramLabel = "WIDTHS", split = ",", hideParamSyntax = true, defaultValue = "256,256,256",
            description = "Hidden-layer widths of the MLP (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = new ArrayList<>();

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "silu",
            description = "Hidden activation: silu, relu, tanh, softplus (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--time-embedding", paramLabel = "KIND", defaultValue = "raw",
            description = "How t enters the network: raw, sinusoidal or sinusoidal:F (default: ${DEFAULT-VALUE}).")
    String timeEmbedding;

    /** @return the training budget, validated (steps and batch >= 1, the EMA decay in [0, 1)) */
    TrainingConfig training() {
        TrainingConfig config = new TrainingConfig(steps, batch, LearningRateSchedule.parse(lrSchedule));
        if (ema == null) {
            return config;
        }
        try {
            return config.withEma(ema);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("--ema: " + e.getMessage(), e);
        }
    }

    /** @return the optimizer, validated (lr > 0, ...) */
    OptimizerSpec optimizer() {
        if (weightDecay < 0) {
            throw new ConfigurationException("--weight-decay must be >= 0, got " + weightDecay);
        }
        OptimizerSpec spec = OptimizerSpec.adam(lr).withWeightDecay(weightDecay, false);
        return clipGradNorm > 0 ? spec.withMaxGradNorm(clipGradNorm) : spec;
    }

    /**
     * @param dim the data dimension
     * @return the network
     */
    ModelSpec model(int dim) {
        return new ModelSpec(dim, hidden, Activation.parse(activation), TimeEmbedding.parse(timeEmbedding));
    }

    /**
     * Fails fast, before natives load, if one training step of this network on data of dimension
     * {@code dim} does not fit in memory or in Java arrays, naming {@code --batch} and the largest
     * batch that fits.
     *
     * @param dim the data dimension (an upper bound on the model's)
     * @param coupling the coupling's name: the pairwise ones need {@code batch^2} memory
     */
    void checkResources(int dim, String coupling) {
        ResourceLimits.ofThisJvm().checkTraining(model(dim), batch, ResourceLimits.isPairwise(coupling), "--batch");
    }

    /** Fails fast on any invalid value, before natives load or data is read. */
    void validate() {
        training();
        optimizer();
        model(1);
    }
}
