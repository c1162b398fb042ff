package org.fmjvm.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.metrics.Straightness;
import org.fmjvm.core.train.Checkpointing;
import org.fmjvm.core.train.TrainingConfig;
import org.fmjvm.core.train.TrainingData;
import org.fmjvm.core.train.TrainingResult;
import org.fmjvm.core.train.TrainingState;
import org.fmjvm.core.train.Validation;

/** What {@code fm train} and {@code fm demo} share: one training run with progress, and its checkpoint record. */
final class Runs {

    private Runs() {
    }

    /**
     * A trained model with its result and checkpoint record; closing it frees the model (and the
     * model of the weights sampled from, if those are not the trained model's own).
     */
    static final class Trained implements AutoCloseable {
        private final TrainableModel model;
        private final VelocityModel sampled;
        private final TrainingResult result;
        private final CheckpointInfo info;
        private final double medianStepMillis;
        private final Validation.Nll exactNll;
        private final Checkpoints.EmaWeights ema;

        Trained(TrainableModel model, VelocityModel sampled, TrainingResult result, CheckpointInfo info,
                double medianStepMillis, Validation.Nll exactNll, Checkpoints.EmaWeights ema) {
            this.exactNll = exactNll;
            this.model = model;
            this.sampled = sampled;
            this.result = result;
            this.info = info;
            this.medianStepMillis = medianStepMillis;
            this.ema = ema;
        }

        /**
         * @return the model to sample from: the EMA weights when the run kept an average, else the
         *     trained weights; either of the kept best step when the run kept the best
         */
        VelocityModel model() {
            return sampled != null ? sampled : model;
        }

        /** @return the trained weights the checkpoint holds: of the kept best step, or the last */
        ModelWeights weights() {
            return result.bestWeights() != null ? result.bestWeights() : model.weights();
        }

        /**
         * @return the EMA weights the checkpoint holds (of the same step as {@link #weights()}) with
         *     their decay, or {@code null} when the run kept no average
         */
        Checkpoints.EmaWeights ema() {
            return ema;
        }

        /** @return losses, evaluations and wall time */
        TrainingResult result() {
            return result;
        }

        /** @return what a checkpoint records about the run */
        CheckpointInfo info() {
            return info;
        }

        /**
         * @return the exact mean negative log-likelihoods of the saved weights on the training subset
         *     and the held-out rows, or {@code null} without held-out rows or a source density
         */
        Validation.Nll exactNll() {
            return exactNll;
        }

        /**
         * @return the held-out evaluation of the weights the checkpoint holds
         * @throws IllegalStateException if the run held no rows out
         */
        ValidationEnd keptEvaluation() {
            CheckpointInfo.HeldOut h = info.heldOut();
            if (h == null) {
                throw new IllegalStateException("the run held no rows out");
            }
            return result.validation().stream().filter(e -> e.step() == h.weightsStep()).findFirst().orElseThrow();
        }

        /** @return the median wall time of one training step */
        double medianStepMillis() {
            return medianStepMillis;
        }

        @Override
        public void close() {
            try {
                model.close();
            } finally {
                if (sampled != null) {
                    sampled.close();
                }
            }
        }
    }

    /** Steps of the likelihood's backward solve during held-out evaluation ({@value}, with {@code rk4}). */
    static final int VALIDATION_NLL_STEPS = 10;

    /**
     * Up to this model dimension the held-out evaluations use the exact divergence; above it, one
     * backward pass per dimension costs too much at every evaluation, so they use Hutchinson's
     * estimate with one probe, and only the saved weights get the exact likelihood at the end.
     */
    static final int EXACT_NLL_MAX_DIM = 4;

    /**
     * Trains a fresh model on prepared data with a progress display, evaluating on held-out rows
     * when there are any.
     *
     * @param fm the runtime
     * @param data the data in the model's coordinates
     * @param dataLabel how the checkpoint names the data (a built-in name or the CSV path)
     * @param sourceLabel how the checkpoint names the source
     * @param options network, optimizer and budget
     * @param dataOptions held-out evaluation settings
     * @param keepBest whether to keep the weights of the lowest held-out loss (when rows are held out)
     * @return the trained model; the caller closes it
     */
    static Trained train(FmRuntime fm, TrainingData data, String dataLabel, String sourceLabel,
            ModelOptions options, DataOptions dataOptions, boolean keepBest) {
        return train(fm, data, dataLabel, sourceLabel, options, dataOptions, keepBest, null);
    }

    /**
     * Periodic checkpoints of a run, and the snapshot it resumes from.
     *
     * @param every save after every this many steps ({@code 0}: never)
     * @param writer the locked checkpoint folder
     * @param sourceRows the source rows the checkpoints store, or {@code null}
     * @param run how to rebuild the run (the command's arguments, the data's hash), stored with each snapshot
     * @param resumeFrom the snapshot to continue from, or {@code null} for a fresh run
     * @param resumeWeights the snapshot's weights, or {@code null} for a fresh run
     */
    record Snapshots(int every, Checkpoints.Writer writer, Checkpoints.SourceRows sourceRows,
            com.fasterxml.jackson.databind.node.ObjectNode run, TrainingState resumeFrom, ModelWeights resumeWeights) {
    }

    /**
     * As {@link #train(FmRuntime, TrainingData, String, String, ModelOptions, DataOptions, boolean)},
     * saving a resumable checkpoint every {@code snapshots.every()} steps and, with
     * {@code snapshots.resumeFrom()}, continuing a run from one.
     *
     * @param fm the runtime
     * @param data the data in the model's coordinates
     * @param dataLabel how the checkpoint names the data
     * @param sourceLabel how the checkpoint names the source
     * @param options network, optimizer and budget
     * @param dataOptions held-out evaluation settings
     * @param keepBest whether to keep the weights of the lowest held-out loss
     * @param snapshots periodic checkpoints and the resume point, or {@code null} for neither
     * @return the trained model; the caller closes it
     */
    static Trained train(FmRuntime fm, TrainingData data, String dataLabel, String sourceLabel,
            ModelOptions options, DataOptions dataOptions, boolean keepBest, Snapshots snapshots) {
        TrainingConfig config = options.training();
        OptimizerSpec optimizer = options.optimizer();
        ModelSpec spec = options.model(data.modelDim());
        StepClock clock = new StepClock();
        Validation validation = null;
        if (data.heldOutCount() > 0) {
            validation = data.validation(dataOptions.every(config.steps()));
            if (data.source().logDensity().isPresent()) {
                OdeSolver rk4 = fm.registry().select(ComponentKind.SOLVER, ComponentChoice.of("rk4")).create();
                validation = validation.withLikelihood(rk4, VALIDATION_NLL_STEPS,
                        data.modelDim() <= EXACT_NLL_MAX_DIM ? 0 : 1);
            }
            if (keepBest) {
                validation = validation.keepingBest();
            }
        }
        boolean resuming = snapshots != null && snapshots.resumeFrom() != null;
        TrainableModel model = resuming ? fm.backend().newTrainableModel(spec, optimizer, snapshots.resumeWeights())
                : fm.newTrainableModel(spec, optimizer);
        VelocityModel sampled = null;
        Validation.Nll exactNll = null;
        try {
            Checkpointing checkpointing = Checkpointing.none();
            if (snapshots != null && snapshots.every() > 0) {
                checkpointing = Checkpointing.every(snapshots.every(), (weights, state) -> {
                    CheckpointInfo partial = info(fm, spec, dataLabel, sourceLabel, config, optimizer, data, state.step(),
                            new CheckpointInfo.TrainingSummary(recentMeanLoss(state.losses()),
                                    state.wallNanos() / 1e9), null);
                    com.fasterxml.jackson.databind.node.ObjectNode json = snapshots.run().deepCopy();
                    json.set("trainer", state.toJson());
                    snapshots.writer().save(partial, weights, state.ema() == null ? null
                            : new Checkpoints.EmaWeights(state.ema().decay(), state.ema().weights()),
                            snapshots.sourceRows(), new Checkpoints.Resume(json, state.tensors()));
                });
            }
            if (resuming) {
                checkpointing = checkpointing.resumingFrom(snapshots.resumeFrom());
            }
            TrainingResult result = fm.trainer(data).train(model, config, validation,
                    List.of(TerminalProgress.create(), clock), checkpointing);
            // the EMA weights when kept (the held-out evaluations scored them), of the best step when kept
            ModelWeights ema = result.bestEmaWeights() != null ? result.bestEmaWeights() : result.emaWeights();
            ModelWeights samplingWeights = ema != null ? ema : result.bestWeights();
            if (samplingWeights != null) {
                sampled = fm.loadModel(spec, samplingWeights);
            }
            CheckpointInfo.HeldOut heldOut = null;
            if (validation != null) {
                ValidationEnd chosen = (validation.keepBest() ? result.bestValidation() : result.lastValidation())
                        .orElseThrow();
                if (validation.hasLikelihood()) {
                    if (validation.nllProbes() == 0) {
                        exactNll = chosen.heldOutNll() == null ? null
                                : new Validation.Nll(chosen.trainNll(), chosen.heldOutNll());
                    } else if (sampled != null) {
                        exactNll = validation.nll(sampled, data.source(), null);
                    } else {
                        try (VelocityModel last = fm.loadModel(spec, model.weights())) {
                            exactNll = validation.nll(last, data.source(), null);
                        }
                    }
                }
                heldOut = new CheckpointInfo.HeldOut(data.validationFraction(), data.heldOutCount(), chosen.step(),
                        chosen.heldOutLoss(), exactNll == null ? null : exactNll.heldOut());
            }
            CheckpointInfo info = info(fm, spec, dataLabel, sourceLabel, config, optimizer, data, config.steps(),
                    new CheckpointInfo.TrainingSummary(result.finalLoss(), result.wallSeconds()), heldOut);
            return new Trained(model, sampled, result, info, clock.medianMillis(1), exactNll, ema == null ? null
                    : new Checkpoints.EmaWeights(config.emaDecay().getAsDouble(), ema));
        } catch (RuntimeException e) {
            model.close();
            if (sampled != null) {
                sampled.close();
            }
            throw e;
        }
    }

    /** What a checkpoint records about a run after {@code stepsTaken} steps. */
    private static CheckpointInfo info(FmRuntime fm, ModelSpec spec, String dataLabel, String sourceLabel,
            TrainingConfig config, OptimizerSpec optimizer, TrainingData data, int stepsTaken,
            CheckpointInfo.TrainingSummary summary, CheckpointInfo.HeldOut heldOut) {
        List<String> columns = data.raw() instanceof CsvDataset t ? t.columnNames() : List.of();
        return CheckpointInfo.of(spec, fm.component(ComponentKind.PATH), fm.component(ComponentKind.COUPLING),
                dataLabel, sourceLabel, fm.config().seed(), stepsTaken, config.batch(), optimizer,
                fm.component(ComponentKind.BACKEND).name(), summary, Instant.now())
                .withTable(data.normalizer(), heldOut, columns);
    }

    /** The mean of the last (up to) 100 losses, as a snapshot's summary reports it. */
    private static double recentMeanLoss(double[] losses) {
        int from = Math.max(0, losses.length - 100);
        double sum = 0;
        for (int i = from; i < losses.length; i++) {
            sum += losses[i];
        }
        return losses.length == 0 ? 0 : sum / (losses.length - from);
    }

    /**
     * @param trained a finished run
     * @return a line on its held-out evaluation, e.g. {@code held-out (36 rows): loss 1.23 (train 1.10),
     *     NLL 12.3 nats (train 11.9)}, or empty without one
     */
    static java.util.Optional<String> heldOutLine(Trained trained) {
        CheckpointInfo.HeldOut h = trained.info().heldOut();
        if (h == null) {
            return java.util.Optional.empty();
        }
        ValidationEnd v = trained.keptEvaluation();
        Validation.Nll exact = trained.exactNll();
        String nll = exact == null ? "" : String.format(java.util.Locale.ROOT,
                ", mean NLL %.4f nats (training rows %.4f)", exact.heldOut(), exact.train());
        return java.util.Optional.of(String.format(java.util.Locale.ROOT,
                "held-out %d rows at step %d%s: CFM loss %.4f (training rows %.4f)%s", h.rows(), h.weightsStep(),
                h.weightsStep() == trained.info().steps() ? "" : " (the best; kept)", v.heldOutLoss(),
                v.trainLoss(), nll));
    }

    /**
     * @param trained a finished run
     * @return a line saying which weights the checkpoint holds and samples from, e.g. {@code weights: the
     *     trained weights and their moving average (EMA decay 0.999); sampling uses the EMA weights
     *     unless given --weights final}, or empty for a run without a moving average
     */
    static java.util.Optional<String> weightsLine(Trained trained) {
        Checkpoints.EmaWeights ema = trained.ema();
        if (ema == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("weights: the trained weights and their moving average (EMA decay " + ema.decay()
                + "); sampling uses the EMA weights unless given --weights final");
    }

    /**
     * @param fm the runtime, whose coupling is measured
     * @param prepared the run's data
     * @param batch the training batch size
     * @param seed the run's seed
     * @return the coupling's mean {@code |x1 - x0|^2} over one batch of source and data draws, paired as
     *     training pairs them
     */
    static double transportCost(FmRuntime fm, TrainingData prepared, int batch, long seed) {
        Backend b = fm.backend();
        int dim = prepared.modelDim();
        Rng rng = Rng.seeded(seed).split("transport-cost");
        try (TensorScope scope = b.openScope()) {
            CoupledBatch pair = fm.coupling().pair(
                    b.fromArray(prepared.source().sample(batch, rng.split("source")), batch, dim),
                    b.fromArray(prepared.data().sample(batch, rng.split("data")), batch, dim), rng.split("coupling"));
            return Straightness.transportCost(pair.x0().toDoubleArray(), pair.x1().toDoubleArray(), batch);
        }
    }

    /**
     * @param source the distribution a run drew {@code x0} from
     * @return its rows, to store in the checkpoint when they came from a file (a built-in source is
     *     stored by name), else {@code null}
     */
    static Checkpoints.SourceRows storedSource(org.fmjvm.api.data.Dataset source) {
        return source instanceof CsvDataset csv ? new Checkpoints.SourceRows(csv.points(), csv.dim()) : null;
    }

    /**
     * Loads a checkpoint folder and shows its notices (e.g. that an old format carries no hash).
     *
     * @param dir the folder
     * @param err where the notices go, one line each
     * @return the loaded checkpoint
     */
    static Checkpoints.Loaded load(Path dir, java.io.PrintWriter err) {
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        loaded.notices().forEach(n -> err.println("note: " + n));
        err.flush();
        return loaded;
    }

    /**
     * Notes each component a checkpoint names that no plugin of the running runtime provides
     * (sampling does not need them; resuming the training does).
     *
     * @param dir the checkpoint folder, for the notes
     * @param info its record
     * @param registry the running runtime's plugins ({@code fm.registry()}), so discovery is not repeated
     * @param err where the notes go, one line each
     */
    static void noteUnknownComponents(Path dir, CheckpointInfo info, org.fmjvm.core.plugin.PluginRegistry registry,
            java.io.PrintWriter err) {
        for (var named : List.of(Map.entry(ComponentKind.PATH, info.path().name()),
                Map.entry(ComponentKind.COUPLING, info.coupling().name()),
                Map.entry(ComponentKind.BACKEND, info.backend()))) {
            List<String> known = registry.names(named.getKey());
            if (!known.contains(named.getValue())) {
                err.println("note: " + dir + ": it was trained with " + named.getKey().id() + " '" + named.getValue()
                        + "', which no plugin on the class path provides (known: " + String.join(", ", known) + ")");
            }
        }
        err.flush();
    }

    /**
     * After a failed run that created its checkpoint folder: removes the folder if no checkpoint was
     * committed there (a run that saved a resumable checkpoint keeps it), so a run that fails at
     * start-up leaves nothing behind.
     *
     * @param dir the checkpoint folder
     */
    static void removeUnfinished(Path dir) {
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve(Checkpoints.INFO_FILE))) {
            return;
        }
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (Checkpoints.isCheckpointFile(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            // best effort: the run's own error is the one to report
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
                // only the lock or leftovers of a save: another writer is starting, or a run stopped
                // before its first save finished (the next save removes the leftovers)
                if (entries.anyMatch(p -> !Checkpoints.isCheckpointFile(p.getFileName().toString()))) {
                    throw new ConfigurationException("--out " + dir + " is a non-empty folder that holds no checkpoint;"
                            + " choose a new or empty folder");
                }
            } catch (java.io.IOException e) {
                throw new ConfigurationException("cannot read --out " + dir + ": " + e.getMessage());
            }
        }
    }
}
