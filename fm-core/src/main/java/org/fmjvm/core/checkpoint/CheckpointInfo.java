package org.fmjvm.core.checkpoint;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.core.normalize.Normalizer;

/**
 * Everything a checkpoint records besides the weights: the network, how it was trained, and on
 * what. Stored as {@code checkpoint.json} next to the weights (see {@link Checkpoints}),
 * with the model written by its ids ({@code activation: "silu"}, {@code timeEmbedding: "raw"}).
 *
 * <p>Thread safety: immutable and thread-safe (the nested records too).
 *
 * @param formatVersion the sidecar format, {@link #FORMAT_VERSION} when written by this version
 * @param model the network the weights belong to
 * @param path the probability path by name, with its resolved parameters
 * @param coupling the coupling by name, with its resolved parameters
 * @param dataDim the data dimension (equal to {@code model.dim()})
 * @param data the data set's name or the CSV path it was trained on
 * @param source the source distribution {@code x0} was drawn from: {@code standard-normal}, a data
 *     set's name or a CSV path; sampling draws its starting points from the same
 * @param seed the one seed every random draw came from
 * @param steps training steps taken, {@code >= 0}
 * @param batch batch size, {@code >= 1}
 * @param optimizer the optimizer and its hyper-parameters
 * @param backend the backend's name, e.g. {@code djl}
 * @param training the run's outcome
 * @param created when the checkpoint was written (stored as ISO-8601 UTC)
 * @param normalization how the data's columns map to the model's coordinates: fitted on the training
 *     rows, inverted at sampling ({@link Normalizer#identity} when the run used none)
 * @param heldOut the held-out evaluation, or {@code null} when no rows were held out
 * @param columns the data's column names (a CSV header), or an empty list when it had none
 */
public record CheckpointInfo(
        int formatVersion,
        ModelSpec model,
        Component path,
        Component coupling,
        int dataDim,
        String data,
        String source,
        long seed,
        int steps,
        int batch,
        OptimizerSpec optimizer,
        String backend,
        TrainingSummary training,
        Instant created,
        Normalizer normalization,
        HeldOut heldOut,
        List<String> columns) {

    /**
     * The sidecar format this version writes: 2 added {@code normalization} and {@code heldOut}; 3
     * moved the weights to generation files recorded with their SHA-256 (see {@link Checkpoints}), and
     * stores a source read from a file and the state to resume from. Versions 1 and 2 still load.
     */
    public static final int FORMAT_VERSION = 3;

    /** Validates every field. */
    public CheckpointInfo {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(coupling, "coupling");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(created, "created");
        if (formatVersion < 1) {
            throw new ConfigurationException("checkpoint format version must be >= 1, got " + formatVersion);
        }
        Objects.requireNonNull(normalization, "normalization");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        if (!columns.isEmpty() && columns.size() != dataDim) {
            throw new ConfigurationException(columns.size() + " column names for data of dimension " + dataDim);
        }
        if (dataDim != normalization.inputDim()) {
            throw new ConfigurationException("data dimension " + dataDim + " differs from the "
                    + normalization.inputDim() + " columns of the normalisation");
        }
        if (model.dim() != normalization.outputDim()) {
            throw new ConfigurationException("the model's dimension " + model.dim() + " differs from the "
                    + normalization.outputDim() + " coordinates the normalisation produces");
        }
        if (data.isBlank()) {
            throw new ConfigurationException("the data set name or CSV path must not be blank");
        }
        if (steps < 0) {
            throw new ConfigurationException("steps must be >= 0, got " + steps);
        }
        if (batch < 1) {
            throw new ConfigurationException("batch must be >= 1, got " + batch);
        }
        if (backend.isBlank()) {
            throw new ConfigurationException("the backend name must not be blank");
        }
    }

    /**
     * A run without normalisation or held-out rows, as format version 1 recorded it.
     *
     * @param formatVersion the sidecar format
     * @param model the network
     * @param path the probability path
     * @param coupling the coupling
     * @param dataDim the data dimension, equal to {@code model.dim()}
     * @param data the data set's name or CSV path
     * @param source the source's name or CSV path
     * @param seed the seed
     * @param steps training steps taken
     * @param batch batch size
     * @param optimizer the optimizer
     * @param backend the backend's name
     * @param training the run's outcome
     * @param created when it was written
     */
    public CheckpointInfo(int formatVersion, ModelSpec model, Component path, Component coupling, int dataDim,
            String data, String source, long seed, int steps, int batch, OptimizerSpec optimizer, String backend,
            TrainingSummary training, Instant created) {
        this(formatVersion, model, path, coupling, dataDim, data, source, seed, steps, batch, optimizer, backend,
                training, created, Normalizer.identity(dataDim), null, List.of());
    }

    /**
     * @param normalization the run's normalisation
     * @param heldOut the held-out evaluation, or {@code null}
     * @param columns the data's column names, or an empty list
     * @return this record for a run with that normalisation ({@code dataDim} its input width), held-out
     *     rows and column names
     */
    public CheckpointInfo withTable(Normalizer normalization, HeldOut heldOut, List<String> columns) {
        return new CheckpointInfo(formatVersion, model, path, coupling, normalization.inputDim(), data, source, seed,
                steps, batch, optimizer, backend, training, created, normalization, heldOut, columns);
    }

    /**
     * A checkpoint of the current format.
     *
     * @param model the network
     * @param path the probability path
     * @param coupling the coupling
     * @param data the data set's name or CSV path
     * @param source the source's name ({@code standard-normal}) or CSV path
     * @param seed the seed
     * @param steps training steps taken
     * @param batch batch size
     * @param optimizer the optimizer
     * @param backend the backend's name
     * @param training the run's outcome
     * @param created when it was written
     * @return the info, with {@code formatVersion = FORMAT_VERSION} and {@code dataDim = model.dim()}
     */
    public static CheckpointInfo of(ModelSpec model, Component path, Component coupling, String data, String source,
            long seed,
            int steps, int batch, OptimizerSpec optimizer, String backend, TrainingSummary training, Instant created) {
        return new CheckpointInfo(FORMAT_VERSION, model, path, coupling, model.dim(), data, source, seed, steps, batch,
                optimizer, backend, training, created);
    }

    /**
     * A component chosen by name, with the parameter values in effect.
     *
     * @param name the kebab-case name, e.g. {@code cond-ot}
     * @param params parameter values as text, in declaration order
     */
    public record Component(String name, Map<String, String> params) {
        /** Validates and copies (keeping the order). */
        public Component {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(params, "params");
            if (name.isBlank()) {
                throw new ConfigurationException("a component name must not be blank");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            params.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "parameter name"),
                    Objects.requireNonNull(v, "value of parameter " + k)));
            params = Collections.unmodifiableMap(copy);
        }

        /**
         * @param name the component's name
         * @return a component without parameters
         */
        public static Component named(String name) {
            return new Component(name, Map.of());
        }
    }

    /**
     * The rows a run kept out of training and what they showed.
     *
     * @param fraction the share of the table's rows held out, in {@code (0, 1)}; the split is
     *     {@code RowSplit.of(rows, fraction, Rng.seeded(seed).split("validation-split"))}
     * @param rows the number of held-out rows
     * @param weightsStep the step whose weights the checkpoint holds: the last step, or the step of
     *     the lowest held-out loss when the run kept the best weights (its EMA weights, when the
     *     checkpoint holds any, are of the same step)
     * @param heldOutLoss the held-out CFM loss of the weights sampled by default: the EMA weights when
     *     the checkpoint holds them, else the trained weights
     * @param heldOutNll their held-out mean negative log-likelihood in nats, or {@code null} when not computed
     */
    public record HeldOut(double fraction, int rows, int weightsStep, double heldOutLoss, Double heldOutNll) {
        /** Validates. */
        public HeldOut {
            if (!(fraction > 0 && fraction < 1)) {
                throw new ConfigurationException("held-out fraction must be in (0, 1), got " + fraction);
            }
            if (rows < 1) {
                throw new ConfigurationException("held-out rows must be >= 1, got " + rows);
            }
            if (weightsStep < 1) {
                throw new ConfigurationException("the weights' step must be >= 1, got " + weightsStep);
            }
            if (!Double.isFinite(heldOutLoss) || (heldOutNll != null && !Double.isFinite(heldOutNll))) {
                throw new ConfigurationException("held-out loss and NLL must be finite, got " + heldOutLoss + " and "
                        + heldOutNll);
            }
        }
    }

    /**
     * How training ended.
     *
     * @param finalLoss the mean loss over the last steps, finite
     * @param wallSeconds the run's wall time, {@code >= 0}
     */
    public record TrainingSummary(double finalLoss, double wallSeconds) {
        /** Validates. */
        public TrainingSummary {
            if (!Double.isFinite(finalLoss)) {
                throw new ConfigurationException("final loss must be finite, got " + finalLoss);
            }
            if (!(wallSeconds >= 0) || !Double.isFinite(wallSeconds)) {
                throw new ConfigurationException("wall time must be a finite number >= 0, got " + wallSeconds);
            }
        }
    }
}
