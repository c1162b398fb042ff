package org.fmjvm.core.train;

import java.util.List;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.TrainingDivergedException;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.core.data.Dataset;
import org.fmjvm.core.data.GaussianSource;

/**
 * The conditional flow-matching loop. Each step, inside its own tensor scope: draw
 * {@code x0 ~ source} (by default {@code N(0, I)}) and {@code x1 ~ data}, pair them with the coupling, draw {@code t}, take
 * {@code (x_t, dx_t)} from the path and make one optimizer step on
 * {@code mean || v(t, x_t) - dx_t ||^2}. A non-finite loss stops the run with
 * {@link TrainingDivergedException}.
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
        int dim = model.spec().dim();
        if (data.dim() != dim) {
            throw new DataException("data set " + data.name() + " has dimension " + data.dim() + " but the model has "
                    + "dimension " + dim + "; build the model with ModelSpec dim " + data.dim());
        }
        int steps = config.steps();
        int batch = config.batch();
        Rng root = Rng.seeded(seed);
        Rng sourceRng = root.split("source");
        Rng dataRng = root.split("data");
        Rng couplingRng = root.split("coupling");
        Rng timeRng = root.split("time");
        Rng pathRng = root.split("path");
        double[] losses = new double[steps];
        long start = System.nanoTime();
        TrainingStart startEvent = new TrainingStart(steps, batch, seed, "data: " + data.describe() + "\nsource: "
                + source.describe() + "\nmodel: "
                + model.spec().describe() + "\noptimizer: " + model.optimizer().describe() + ", learning-rate schedule "
                + config.schedule().id() + "\npath: " + path.describe()
                + "\ncoupling: " + coupling.describe() + "\ntime-sampler: " + timeSampler.describe());
        for (TrainingListener l : listeners) {
            l.onStart(startEvent);
        }
        double baseRate = model.optimizer().learningRate();
        for (int step = 0; step < steps; step++) {
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
        }
        long wall = System.nanoTime() - start;
        TrainingResult result = new TrainingResult(losses, 0, wall);
        double finalLoss = result.meanLoss(Math.max(0, steps - FINAL_LOSS_WINDOW), steps);
        TrainingEnd end = new TrainingEnd(steps, finalLoss, wall);
        for (TrainingListener l : listeners) {
            l.onEnd(end);
        }
        return new TrainingResult(losses, finalLoss, wall);
    }
}
