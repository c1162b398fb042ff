package org.fmjvm.core.checkpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;

/**
 * A child JVM for {@link CrashSafeSaveTest}: saves checkpoints to one folder over and over,
 * alternating between {@link #weights weights(1)} and {@code weights(2)}, each with EMA weights
 * {@link #ema ema(1)} and {@code ema(2)} (every weight {@code -1} and {@code -2}), and prints
 * {@code result saved N} after each save, until it is killed (or, as a safety net, after 60 s).
 *
 * <p>Usage: {@code SaveLoop <folder>}.
 */
public final class SaveLoop {

    /** Big enough (about 1 MB of weights) that a save takes a few milliseconds. */
    static final ModelSpec SPEC = new ModelSpec(2, List.of(512, 512), Activation.SILU, new TimeEmbedding.Raw());

    private SaveLoop() {
    }

    /**
     * @param value the value of every weight
     * @return weights for {@link #SPEC}, all equal to {@code value}
     */
    static ModelWeights weights(float value) {
        return new ModelWeights(SPEC.parameterShapes().stream().map(p -> {
            float[] v = new float[p.size()];
            Arrays.fill(v, value);
            return new ModelWeights.Parameter(p.name(), p.shape(), v);
        }).toList());
    }

    /**
     * @param value the value of every trained weight of the set
     * @return the set's EMA weights: every weight {@code -value}
     */
    static Checkpoints.EmaWeights ema(float value) {
        return new Checkpoints.EmaWeights(0.999, weights(-value));
    }

    /** @return the sidecar the loop saves */
    static CheckpointInfo info() {
        return CheckpointInfo.of(SPEC, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "moons", "standard-normal", 1L, 10, 32,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(0.5, 1.0),
                Instant.parse("2026-11-28T10:15:30Z"));
    }

    /**
     * @param args the folder to save to
     */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        ModelWeights[] sets = {weights(1f), weights(2f)};
        Checkpoints.EmaWeights[] emas = {ema(1f), ema(2f)};
        CheckpointInfo info = info();
        long deadline = System.nanoTime() + 60_000_000_000L; // never outlive a parent that died
        for (int n = 0; System.nanoTime() < deadline; n++) {
            Checkpoints.save(dir, info, sets[n % 2], emas[n % 2]);
            System.out.println("result saved " + n);
            System.out.flush();
        }
    }
}
