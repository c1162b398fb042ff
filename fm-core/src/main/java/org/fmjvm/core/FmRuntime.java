package org.fmjvm.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.sample.Sampler;
import org.fmjvm.core.train.Trainer;
import org.fmjvm.core.train.TrainingData;

/**
 * The resolved components of one configuration, with the backend open. Made by
 * {@link FlowMatching#bootstrap}; close it to release the backend. Single-threaded session.
 */
public final class FmRuntime implements AutoCloseable {

    private final FmConfig config;
    private final PluginRegistry registry;
    private final Map<String, PluginRegistry.Selection<?>> selections;
    private final Backend backend;
    private final ProbabilityPath path;
    private final Coupling coupling;
    private final OdeSolver solver;
    private final TimeSampler timeSampler;

    FmRuntime(FmConfig config, PluginRegistry registry, Map<String, PluginRegistry.Selection<?>> selections,
            Backend backend, ProbabilityPath path, Coupling coupling, OdeSolver solver, TimeSampler timeSampler) {
        this.config = config;
        this.registry = registry;
        this.selections = Map.copyOf(selections);
        this.backend = backend;
        this.path = path;
        this.coupling = coupling;
        this.solver = solver;
        this.timeSampler = timeSampler;
    }

    /** @return the configuration this runtime was built from */
    public FmConfig config() {
        return config;
    }

    /** @return every discovered plugin */
    public PluginRegistry registry() {
        return registry;
    }

    /** @return the open backend */
    public Backend backend() {
        return backend;
    }

    /** @return the selected probability path */
    public ProbabilityPath path() {
        return path;
    }

    /** @return the selected coupling */
    public Coupling coupling() {
        return coupling;
    }

    /** @return the selected solver */
    public OdeSolver solver() {
        return solver;
    }

    /** @return the selected training-time sampler */
    public TimeSampler timeSampler() {
        return timeSampler;
    }

    /** @return the run's root generator; parts derive their own streams with {@link Rng#split(String)} */
    public Rng rng() {
        return Rng.seeded(config.seed());
    }

    /**
     * @return the resolved component of each kind a runtime selects (backend, path, coupling, solver,
     *     time sampler) with its parameters, e.g. {@code path -> cond-ot}, in kind order; what run
     *     summaries and checkpoints record
     */
    public Map<String, String> components() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ComponentKind<?> k : ComponentKind.all()) {
            if (selections.containsKey(k.id())) {
                out.put(k.id(), label(k));
            }
        }
        return out;
    }

    /**
     * @param kind a component kind
     * @return the selected component's name and the parameter values in effect, as recorded in checkpoints
     */
    public CheckpointInfo.Component component(ComponentKind<?> kind) {
        PluginRegistry.Selection<?> s = selections.get(kind.id());
        return new CheckpointInfo.Component(s.factory().name(), s.params().resolved());
    }

    private String label(ComponentKind<?> kind) {
        return selections.get(kind.id()).label();
    }

    /** @return one line per component with its description, for logs and {@code metrics.json} */
    public String summary() {
        return summary(true);
    }

    /**
     * @return the lines of {@link #summary()} that decide a training run: every component but the
     *     solver, which only sampling uses
     */
    public String trainingSummary() {
        return summary(false);
    }

    private String summary(boolean withSolver) {
        return "backend: " + label(ComponentKind.BACKEND) + " (" + backend.description() + ")\n"
                + "path: " + label(ComponentKind.PATH) + " (" + path.describe() + ")\n"
                + "coupling: " + label(ComponentKind.COUPLING) + " (" + coupling.describe() + ")\n"
                + "time-sampler: " + label(ComponentKind.TIME_SAMPLER) + " (" + timeSampler.describe() + ")\n"
                + (withSolver ? "solver: " + label(ComponentKind.SOLVER) + " (" + solver.describe() + ")\n" : "")
                + "seed: " + config.seed();
    }

    /**
     * A trainable model initialised from the run's seed (stream {@code "init"}), identical on every
     * backend for the same seed.
     *
     * @param spec the architecture
     * @param optimizer the optimizer
     * @return the model; the caller closes it
     */
    public TrainableModel newTrainableModel(ModelSpec spec, OptimizerSpec optimizer) {
        Objects.requireNonNull(spec, "spec");
        return backend.newTrainableModel(spec, optimizer, spec.initialWeights(rng().split("init")));
    }

    /**
     * @param spec the architecture
     * @param weights trained weights (e.g. from a checkpoint)
     * @return an inference model on this runtime's backend; the caller closes it
     */
    public VelocityModel loadModel(ModelSpec spec, ModelWeights weights) {
        return backend.newModel(spec, weights);
    }

    /**
     * @param data the training data
     * @return a trainer wired with this runtime's path, coupling and time sampler
     */
    public Trainer trainer(Dataset data) {
        return new Trainer(backend, path, coupling, timeSampler, data, config.seed());
    }

    /**
     * @param data the training data ({@code x1})
     * @param source the source distribution ({@code x0}), e.g. another data set for a data-to-data flow
     * @return a trainer wired with this runtime's path, coupling and time sampler
     */
    public Trainer trainer(Dataset data, Dataset source) {
        return new Trainer(backend, path, coupling, timeSampler, data, source, config.seed());
    }

    /**
     * @param data a run's data prepared in the model's coordinates (normalised, held-out rows set aside)
     * @return a trainer on its training distribution and source, wired with this runtime's path,
     *     coupling and time sampler
     */
    public Trainer trainer(TrainingData data) {
        return new Trainer(backend, path, coupling, timeSampler, data.data(), data.source(), config.seed());
    }

    /**
     * @param model the velocity model to integrate, in the normalised coordinates
     * @param source the distribution the model was trained from, in the data's coordinates
     * @param normalizer the data's normalisation the model was trained with
     * @return a sampler using this runtime's solver whose samples are in the data's coordinates
     */
    public Sampler sampler(VelocityModel model, Dataset source, Normalizer normalizer) {
        return new Sampler(model, solver, TrainingData.modelSource(source, normalizer), normalizer);
    }

    /**
     * @param model the velocity model to integrate
     * @return a sampler using this runtime's solver
     */
    public Sampler sampler(VelocityModel model) {
        return new Sampler(model, solver);
    }

    /**
     * @param model the velocity model to integrate
     * @param source the distribution the model was trained from
     * @return a sampler using this runtime's solver, starting from {@code source}
     */
    public Sampler sampler(VelocityModel model, Dataset source) {
        return new Sampler(model, solver, source);
    }

    /** Closes the backend. */
    @Override
    public void close() {
        backend.close();
    }
}
