package org.fmjvm.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.Dataset;
import org.fmjvm.core.train.TrainingConfig;
import org.fmjvm.core.train.TrainingResult;

/** What {@code fm train} and {@code fm demo} share: one training run with progress, and its checkpoint record. */
final class Runs {

    private Runs() {
    }

    /**
     * A trained model with its result and checkpoint record; closing it frees the model.
     *
     * @param model the trained model
     * @param result losses and wall time
     * @param info what a checkpoint records about the run
     * @param medianStepMillis the median wall time of one training step
     */
    record Trained(TrainableModel model, TrainingResult result, CheckpointInfo info, double medianStepMillis)
            implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * Trains a fresh model on {@code data} with a progress display.
     *
     * @param fm the runtime
     * @param data the data set
     * @param dataLabel how the checkpoint names the data (a built-in name or the CSV path)
     * @param source where {@code x0} comes from
     * @param sourceLabel how the checkpoint names the source
     * @param options network, optimizer and budget
     * @return the trained model; the caller closes it
     */
    static Trained train(FmRuntime fm, Dataset data, String dataLabel, Dataset source, String sourceLabel,
            ModelOptions options) {
        TrainingConfig config = options.training();
        OptimizerSpec optimizer = options.optimizer();
        ModelSpec spec = options.model(data.dim());
        StepClock clock = new StepClock();
        TrainableModel model = fm.newTrainableModel(spec, optimizer);
        try {
            TrainingResult result = fm.trainer(data, source).train(model, config,
                    List.of(TerminalProgress.create(), clock));
            CheckpointInfo info = CheckpointInfo.of(spec, fm.component(ComponentKind.PATH),
                    fm.component(ComponentKind.COUPLING), dataLabel, sourceLabel, fm.config().seed(), config.steps(),
                    config.batch(),
                    optimizer, fm.component(ComponentKind.BACKEND).name(),
                    new CheckpointInfo.TrainingSummary(result.finalLoss(), result.wallSeconds()), Instant.now());
            return new Trained(model, result, info, clock.medianMillis(1));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Refuses to write a checkpoint over something that is not a checkpoint.
     *
     * @param dir the intended checkpoint folder
     */
    static void requireCheckpointTarget(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new ConfigurationException("--out " + dir + " is a file; give a folder for the checkpoint");
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(Checkpoints.INFO_FILE))) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigurationException("--out " + dir + " is a non-empty folder that holds no checkpoint;"
                            + " choose a new or empty folder");
                }
            } catch (java.io.IOException e) {
                throw new ConfigurationException("cannot read --out " + dir + ": " + e.getMessage());
            }
        }
    }
}
