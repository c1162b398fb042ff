package org.fmjvm.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.error.TrainingDivergedException;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.data.GaussianSource;

/**
 * The conditional flow-matching loop. Each step, inside its own tensor scope: draw
 * {@code x0 ~ source} (by default {@code N(0, I)}) and {@code x1 ~ data}, pair them with the coupling, draw {@code t}, take
 * {@code (x_t, dx_t)} from the path and make one optimizer step on
 * {@code mean || v(t, x_t) - dx_t ||^2}. A non-finite loss stops the run with
 * {@link TrainingDivergedException}.
 *
 * <p>With {@link TrainingConfig#emaDecay()} the model keeps an exponential moving average of its
 * weights ({@link TrainableModel#enableEma}, from the weights it starts with); the result and every
 * snapshot carry it, and held-out evaluations score it instead of the trained weights, since the
 * average is what is sampled from (as PyTorch users evaluate their EMA model).
 *
 * <p>Randomness: one seed, split into independent streams ({@code source}, {@code data},
 * {@code coupling}, {@code time}, {@code path}), so the same seed and backend reproduce a run and
 * changing one part's consumption does not shift the others. Single-threaded session.
 */
public final class Trainer {

    private static final int FINAL_LOSS_WINDOW = 100;

    private final Backend backend;
    private final ProbabilityPath path;
    private final Coupling coupling;
    private final TimeSampler timeSampler;
    private final Dataset data;
    private final Dataset source;
    private final long seed;

    /**
     * @param backend where tensors live
     * @param path the probability path
     * @param coupling how pairs are formed
     * @param timeSampler how {@code t} is drawn
     * @param data the target distribution
     * @param seed the run's seed
     */
    public Trainer(Backend backend, ProbabilityPath path, Coupling coupling, TimeSampler timeSampler, Dataset data,
            long seed) {
        this(backend, path, coupling, timeSampler, data, new GaussianSource(data.dim()), seed);
    }

    /**
     * @param backend where tensors live
     * @param path the probability path
     * @param coupling how pairs are formed
     * @param timeSampler how {@code t} is drawn
     * @param data the target distribution ({@code x1})
     * @param source the source distribution ({@code x0}), usually {@link GaussianSource}
     * @param seed the run's seed
     * @throws ConfigurationException if the path needs a standard Gaussian source and {@code source}
     *     is another distribution
     * @throws DataException if the source and the data differ in dimension
     */
    public Trainer(Backend backend, ProbabilityPath path, Coupling coupling, TimeSampler timeSampler, Dataset data,
            Dataset source, long seed) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.path = Objects.requireNonNull(path, "path");
        this.coupling = Objects.requireNonNull(coupling, "coupling");
        this.timeSampler = Objects.requireNonNull(timeSampler, "timeSampler");
        this.data = Objects.requireNonNull(data, "data");
        this.source = Objects.requireNonNull(source, "source");
        this.seed = seed;
        if (source.dim() != data.dim()) {
            throw new DataException("the source " + source.name() + " has dimension " + source.dim() + " but the data "
                    + data.name() + " has dimension " + data.dim() + "; both ends of the flow need the same dimension");
        }
        if (path.requiresStandardGaussianSource() && !(source instanceof GaussianSource)) {
            throw new ConfigurationException("the path " + path.describe() + " assumes x0 ~ N(0, I), but the source is "
                    + source.name() + "; use the standard-normal source or a path that takes any source, such as"
                    + " cond-ot");
        }
    }

    /**
     * Trains {@code model} in place.
     *
     * @param model the model to train (the caller owns and closes it)
     * @param config steps and batch size
     * @param listeners observers, called on this thread
     * @return the per-step losses and timing
     * @throws DataException if the data dimension differs from the model's
     * @throws TrainingDivergedException if a loss is NaN or infinite
     */
    public TrainingResult train(TrainableModel model, TrainingConfig config, List<? extends TrainingListener> listeners) {
        return train(model, config, null, listeners);
    }

    /**
     * Trains {@code model} in place, evaluating it on held-out rows as {@code validation} says:
     * after every {@code validation.every()} steps and after the last, the CFM loss on the held-out
     * rows and on a training subset (fixed draws, independent pairs; see {@link Validation}) and,
     * if asked, their likelihoods, each sent to the listeners' {@code onValidation}. With
     * {@link Validation#keepingBest()}, the result carries a copy of the weights of the lowest
     * held-out loss. Evaluations draw from their own random stream ({@code validation}), so the
     * training steps are the same with or without them.
     *
     * <p>With a moving average of the weights ({@link TrainingConfig#emaDecay()}), the evaluations
     * score the average, and keeping the best keeps both the average and the trained weights of the
     * step where the average's held-out loss was lowest ({@link TrainingResult#bestEmaWeights()},
     * {@link TrainingResult#bestWeights()}).
     *
     * @param model the model to train (the caller owns and closes it)
     * @param config steps and batch size
     * @param validation the held-out evaluation, or {@code null} for none
     * @param listeners observers, called on this thread
     * @return the per-step losses, timing and evaluations
     * @throws DataException if the data or held-out dimension differs from the model's
     * @throws TrainingDivergedException if a loss is NaN or infinite
     */
    public TrainingResult train(TrainableModel model, TrainingConfig config, Validation validation,
            List<? extends TrainingListener> listeners) {
        return train(model, config, validation, listeners, Checkpointing.none());
    }

    /**
     * Trains {@code model} in place as {@link #train(TrainableModel, TrainingConfig, Validation, List)}
     * does, handing snapshots to {@code checkpointing.sink()} and, with
     * {@code checkpointing.resumeFrom()}, continuing a snapshot's run: the optimizer's state, the
     * random streams, the losses, the held-out bookkeeping and the moving average of the weights are
     * restored and the run goes on from
     * the next step, bitwise as if it had never stopped (the model must already hold the snapshot's
     * weights, and the trainer and the arguments must be those of the snapshot's run). Listeners then
     * get {@code onStart} (with {@link TrainingStart#resumedFrom()}) and events for the remaining
     * steps only; the result covers the whole run.
     *
     * @param model the model to train (the caller owns and closes it)
     * @param config steps and batch size
     * @param validation the held-out evaluation, or {@code null} for none
     * @param listeners observers, called on this thread
     * @param checkpointing snapshots and the run to continue
     * @return the per-step losses, timing and evaluations of the whole run
     * @throws ConfigurationException if the snapshot does not fit this run (steps, batch, seed,
     *     parameter shapes, held-out evaluation, moving average), before the model is touched
     * @throws UnsupportedOperationException if the config asks for a moving average and the model
     *     cannot keep one
     * @throws DataException if the data or held-out dimension differs from the model's
     * @throws TrainingDivergedException if a loss is NaN or infinite
     */
    public TrainingResult train(TrainableModel model, TrainingConfig config, Validation validation,
            List<? extends TrainingListener> listeners, Checkpointing checkpointing) {
        Objects.requireNonNull(checkpointing, "checkpointing");
        int dim = model.spec().dim();
        if (validation != null && validation.dim() != dim) {
            throw new DataException("held-out rows have dimension " + validation.dim() + " but the model has dimension "
                    + dim);
        }
        if (data.dim() != dim) {
            throw new DataException("data set " + data.name() + " has dimension " + data.dim() + " but the model has "
                    + "dimension " + dim + "; build the model with ModelSpec dim " + data.dim());
        }
        int steps = config.steps();
        int batch = config.batch();
        Rng root = Rng.seeded(seed);
        TrainingState resume = checkpointing.resumeFrom();
        if (resume != null) {
            requireFits(resume, model, config, validation, root);
        }
        boolean ema = config.emaDecay().isPresent();
        if (ema) {
            model.enableEma(config.emaDecay().getAsDouble());
        }
        if (resume != null) {
            model.restoreOptimizerState(resume.optimizer());
            if (ema) {
                model.restoreEma(resume.ema().weights());
            }
        }
        Rng sourceRng = stream(root, "source", resume);
        Rng dataRng = stream(root, "data", resume);
        Rng couplingRng = stream(root, "coupling", resume);
        Rng timeRng = stream(root, "time", resume);
        Rng pathRng = stream(root, "path", resume);
        int first = resume == null ? 0 : resume.step();
        double[] losses = new double[steps];
        if (resume != null) {
            System.arraycopy(resume.losses(), 0, losses, 0, first);
        }
        long start = System.nanoTime() - (resume == null ? 0 : resume.wallNanos());
        TrainingStart startEvent = new TrainingStart(steps, batch, seed, "data: " + data.describe() + "\nsource: "
                + source.describe() + "\nmodel: "
                + model.spec().describe() + "\noptimizer: " + model.optimizer().describe() + ", learning-rate schedule "
                + config.schedule().id() + (ema ? ", moving average of the weights with decay "
                + config.emaDecay().getAsDouble() : "") + "\npath: " + path.describe()
                + "\ncoupling: " + coupling.describe() + "\ntime-sampler: " + timeSampler.describe(), first);
        for (TrainingListener l : listeners) {
            l.onStart(startEvent);
        }
        Rng validationRng = root.split("validation");
        FixedDraws heldOutDraws = validation == null ? null
                : new FixedDraws(validation.heldOut(), dim, validationRng.split("held-out"));
        FixedDraws trainDraws = validation == null ? null
                : new FixedDraws(validation.train(), dim, validationRng.split("train"));
        List<ValidationEnd> evaluations = new ArrayList<>(resume == null ? List.of() : resume.evaluations());
        ModelWeights bestWeights = resume == null ? null : resume.bestWeights();
        ModelWeights bestEma = resume == null || resume.ema() == null ? null : resume.ema().best();
        double bestLoss = resume == null ? Double.POSITIVE_INFINITY : resume.bestHeldOutLoss();
        double baseRate = model.optimizer().learningRate();
        for (int step = first; step < steps; step++) {
            model.setLearningRate(baseRate * config.schedule().factor(step, steps));
            double loss;
            try (TensorScope scope = backend.openScope()) {
                Tensor x0 = backend.fromArray(source.sample(batch, sourceRng), batch, dim);
                Tensor x1 = backend.fromArray(data.sample(batch, dataRng), batch, dim);
                CoupledBatch pair = coupling.pair(x0, x1, couplingRng);
                Tensor t = timeSampler.sample(backend, batch, timeRng);
                PathSample ps = path.sample(pair.x0(), pair.x1(), t, pathRng);
                loss = model.trainStep(ps.t(), ps.xt(), ps.dxt());
            }
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(step + 1, loss);
            }
            losses[step] = loss;
            if (!listeners.isEmpty()) {
                StepEnd event = new StepEnd(step + 1, steps, loss, System.nanoTime() - start);
                for (TrainingListener l : listeners) {
                    l.onStep(event);
                }
            }
            if (validation != null && ((step + 1) % validation.every() == 0 || step + 1 == steps)) {
                ModelWeights average = ema ? model.emaWeights().orElseThrow() : null;
                double heldOutLoss;
                double trainLoss;
                if (average == null) {
                    heldOutLoss = heldOutDraws.loss(model);
                    trainLoss = trainDraws.loss(model);
                } else {
                    // the average is scored on a copy that holds it; the copy's optimizer never steps
                    try (TrainableModel scored = backend.newTrainableModel(model.spec(), model.optimizer(), average)) {
                        heldOutLoss = heldOutDraws.loss(scored);
                        trainLoss = trainDraws.loss(scored);
                    }
                }
                Validation.Nll nll = validation.hasLikelihood() ? nll(model.spec(),
                        average != null ? average : model.weights(), validation, validationRng.split("probes")) : null;
                Double heldOutNll = nll == null ? null : nll.heldOut();
                Double trainNll = nll == null ? null : nll.train();
                boolean best = heldOutLoss < bestLoss;
                if (best) {
                    bestLoss = heldOutLoss;
                    if (validation.keepBest()) {
                        bestWeights = model.weights();
                        bestEma = average;
                    }
                }
                ValidationEnd event = new ValidationEnd(step + 1, trainLoss, heldOutLoss, trainNll, heldOutNll, best);
                evaluations.add(event);
                for (TrainingListener l : listeners) {
                    l.onValidation(event);
                }
            }
            int done = step + 1;
            if (checkpointing.every() > 0 && done % checkpointing.every() == 0 && done < steps) {
                Map<String, Rng.State> streams = Map.of("source", sourceRng.state(), "data", dataRng.state(),
                        "coupling", couplingRng.state(), "time", timeRng.state(), "path", pathRng.state());
                TrainingState.Ema emaState = ema ? new TrainingState.Ema(config.emaDecay().getAsDouble(),
                        model.emaWeights().orElseThrow(), bestEma) : null;
                TrainingState state = new TrainingState(done, steps, batch, streams, model.optimizerState(),
                        Arrays.copyOf(losses, done), System.nanoTime() - start, evaluations, bestLoss, bestWeights,
                        emaState);
                checkpointing.sink().save(model.weights(), state);
            }
        }
        long wall = System.nanoTime() - start;
        TrainingResult result = new TrainingResult(losses, 0, wall);
        double finalLoss = result.meanLoss(Math.max(0, steps - FINAL_LOSS_WINDOW), steps);
        TrainingEnd end = new TrainingEnd(steps, finalLoss, wall);
        for (TrainingListener l : listeners) {
            l.onEnd(end);
        }
        return new TrainingResult(losses, finalLoss, wall, evaluations, bestWeights,
                ema ? model.emaWeights().orElseThrow() : null, bestEma);
    }

    /** The stream {@code label}: split from the seed for a fresh run, else where the snapshot left it. */
    private static Rng stream(Rng root, String label, TrainingState resume) {
        return resume == null ? root.split(label) : Rng.restore(resume.streams().get(label));
    }

    /** Checks that a snapshot belongs to a run like this one, before anything is restored. */
    private void requireFits(TrainingState state, TrainableModel model, TrainingConfig config, Validation validation,
            Rng root) {
        String prefix = "cannot resume from the training state at step " + state.step() + ": ";
        if (state.totalSteps() != config.steps()) {
            throw new ConfigurationException(prefix + "it belongs to a run of " + state.totalSteps()
                    + " steps but this run has " + config.steps() + "; resume with steps " + state.totalSteps());
        }
        if (state.batch() != config.batch()) {
            throw new ConfigurationException(prefix + "it was trained with batch " + state.batch()
                    + " but this run has batch " + config.batch() + "; resume with batch " + state.batch());
        }
        if (state.step() >= config.steps()) {
            throw new ConfigurationException(prefix + "the run of " + config.steps()
                    + " steps is already complete; there is nothing to resume");
        }
        for (String label : TrainingState.STREAMS) {
            if (state.streams().get(label).seed() != root.split(label).seed()) {
                throw new ConfigurationException(prefix + "its random stream '" + label + "' does not derive from"
                        + " seed " + seed + "; resume with the seed of the saved run");
            }
        }
        OptionalDouble decay = config.emaDecay();
        if (state.ema() == null && decay.isPresent()) {
            throw new ConfigurationException(prefix + "it keeps no moving average of the weights but this run keeps"
                    + " one with decay " + decay.getAsDouble() + "; resume without an EMA decay");
        }
        if (state.ema() != null && (decay.isEmpty() || Double.compare(decay.getAsDouble(), state.ema().decay()) != 0)) {
            throw new ConfigurationException(prefix + "it keeps a moving average of the weights with decay "
                    + state.ema().decay() + " but this run " + (decay.isEmpty() ? "keeps none"
                    : "has decay " + decay.getAsDouble()) + "; resume with EMA decay " + state.ema().decay());
        }
        try {
            state.optimizer().requireMatches(model.spec());
            if (state.bestWeights() != null) {
                state.bestWeights().requireMatches(model.spec());
            }
            if (state.ema() != null) {
                state.ema().weights().requireMatches(model.spec());
                if (state.ema().best() != null) {
                    state.ema().best().requireMatches(model.spec());
                }
            }
        } catch (ShapeMismatchException e) {
            throw new ConfigurationException(prefix + "it does not fit the model " + model.spec().describe() + ": "
                    + e.getMessage(), e);
        }
        List<Integer> expected = new ArrayList<>();
        if (validation != null) {
            for (int s = validation.every(); s <= state.step(); s += validation.every()) {
                expected.add(s);
            }
        }
        List<Integer> saved = state.evaluations().stream().map(ValidationEnd::step).toList();
        if (!saved.equals(expected)) {
            throw new ConfigurationException(prefix + "it holds held-out evaluations after steps " + saved
                    + " but this run " + (validation == null ? "has no held-out evaluation"
                    : "evaluates every " + validation.every() + " steps, which gives " + expected)
                    + "; resume with the held-out settings of the saved run");
        }
        boolean keeps = validation != null && validation.keepBest();
        if (state.bestWeights() != null && !keeps) {
            throw new ConfigurationException(prefix + "it kept best weights but this run does not keep them;"
                    + " resume with keep-best on");
        }
        if (keeps && state.bestWeights() == null && state.bestHeldOutLoss() != Double.POSITIVE_INFINITY) {
            throw new ConfigurationException(prefix + "this run keeps the best weights but the saved run did not;"
                    + " resume with keep-best off");
        }
    }

    /** The held-out and training-subset NLLs of the weights, with the run's estimator, or nulls. */
    private Validation.Nll nll(org.fmjvm.api.model.ModelSpec spec, ModelWeights weights, Validation validation,
            Rng probes) {
        if (source.logDensity().isEmpty()) {
            return null;
        }
        // an inference copy of the weights: its backward passes skip the parameters' gradients
        try (VelocityModel copy = backend.newModel(spec, weights)) {
            return validation.nll(copy, source, validation.nllProbes() == 0 ? null : probes);
        }
    }

    /**
     * Rows paired once with fixed noise, times and path noise, so the loss on them changes with the
     * weights alone. Each row appears {@code ceil(MIN_PAIRS / rows)} times, with different draws.
     */
    private final class FixedDraws {
        private static final int CHUNK = 8192;
        private final float[] x1;
        private final float[] x0;
        private final float[] t;
        private final int pairs;
        private final int dim;
        private final Rng pathRng;

        FixedDraws(float[] rows, int dim, Rng rng) {
            int n = rows.length / dim;
            int repeats = (Validation.MIN_PAIRS + n - 1) / n;
            this.dim = dim;
            this.pairs = n * repeats;
            this.x1 = new float[pairs * dim];
            for (int r = 0; r < repeats; r++) {
                System.arraycopy(rows, 0, x1, r * n * dim, n * dim);
            }
            this.x0 = source.sample(pairs, rng.split("source"));
            try (TensorScope scope = backend.openScope()) {
                this.t = timeSampler.sample(backend, pairs, rng.split("time")).toFloatArray();
            }
            this.pathRng = rng.split("path");
        }

        double loss(TrainableModel model) {
            double sum = 0;
            for (int from = 0, chunk = 0; from < pairs; from += CHUNK, chunk++) {
                int n = Math.min(CHUNK, pairs - from);
                try (TensorScope scope = backend.openScope()) {
                    Tensor a = backend.fromArray(java.util.Arrays.copyOfRange(x0, from * dim, (from + n) * dim), n, dim);
                    Tensor b = backend.fromArray(java.util.Arrays.copyOfRange(x1, from * dim, (from + n) * dim), n, dim);
                    Tensor tt = backend.fromArray(java.util.Arrays.copyOfRange(t, from, from + n), n, 1);
                    PathSample ps = path.sample(a, b, tt, pathRng.split(chunk));
                    sum += model.loss(ps.t(), ps.xt(), ps.dxt()) * n;
                }
            }
            return sum / pairs;
        }
    }
}
