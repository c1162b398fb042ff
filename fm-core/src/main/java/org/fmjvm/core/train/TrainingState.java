package org.fmjvm.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.FlowMatchingException;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.io.JsonFields;

/**
 * Everything {@link Trainer} needs, besides the model's weights, to continue a run after
 * {@code step} completed steps so that the rest of the run is bitwise the uninterrupted one: the
 * state of every random stream of the loop, the optimizer's state, the losses so far (for the
 * final-loss mean and the loss curve), the wall time so far, the held-out bookkeeping and, when the
 * run keeps one, the moving average of the weights. The learning-rate schedule's position is
 * {@code step}.
 *
 * <p>Nothing else in a run carries state from one step to the next: data sets, sources, couplings,
 * time samplers and paths draw only from the generator they are given (the reflow coupling's cached
 * pairs and the held-out draws come from {@link Rng#split} streams, which depend on the seed alone,
 * so they are rebuilt identically).
 *
 * <p>Serialized in two parts for a checkpoint: {@link #toJson()} holds the small fields (doubles
 * as JSON numbers in Jackson's round-trip form, non-finite ones as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}; 64-bit integers as JSON integers) and {@link #tensors()}
 * the large arrays; {@link #fromJson} reads both back exactly.
 *
 * <p>Immutable: arrays and lists are copied in and out.
 *
 * @param step completed steps, in {@code [0, totalSteps]}
 * @param totalSteps the run's length
 * @param batch the run's batch size
 * @param streams the state of each of the loop's random streams by purpose, exactly the labels of
 *     {@link #STREAMS}
 * @param optimizer the optimizer's state after step {@code step}
 * @param losses the loss of each completed step, {@code step} finite values
 * @param wallNanos wall time of the run so far, {@code >= 0}
 * @param evaluations the held-out evaluations so far, by increasing step, each at most {@code step}
 * @param bestHeldOutLoss the lowest held-out loss so far, {@code +Infinity} before any evaluation
 *     flagged best; equals the held-out loss of the last evaluation flagged best
 * @param bestWeights the weights kept at the lowest held-out loss, or {@code null} when the run
 *     keeps none (or none yet)
 * @param ema the moving average of the weights after step {@code step}, or {@code null} when the run
 *     keeps none
 */
public record TrainingState(int step, int totalSteps, int batch, Map<String, Rng.State> streams,
        OptimizerState optimizer, double[] losses, long wallNanos, List<ValidationEnd> evaluations,
        double bestHeldOutLoss, ModelWeights bestWeights, Ema ema) {

    /**
     * The exponential moving average of the weights a run keeps ({@link TrainingConfig#emaDecay()}).
     *
     * @param decay its decay, in {@code [0, 1)}
     * @param weights the average after the state's step, named like the parameters
     * @param best the average at the step of the state's {@code bestWeights} (the held-out evaluation
     *     scores the average, so this is the set with the lowest held-out loss), or {@code null} exactly
     *     when the state keeps no best weights
     */
    public record Ema(double decay, ModelWeights weights, ModelWeights best) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException if the decay is outside {@code [0, 1)} or best and
         *     average name different tensors
         */
        public Ema {
            ModelInputs.emaDecay(decay);
            Objects.requireNonNull(weights, "weights");
            if (best != null && !best.names().equals(weights.names())) {
                throw new IllegalArgumentException("the best moving average holds " + best.names()
                        + " but the moving average " + weights.names());
            }
        }
    }

    /**
     * A state of a run without a moving average of the weights.
     *
     * @param step completed steps
     * @param totalSteps the run's length
     * @param batch the run's batch size
     * @param streams the state of each of the loop's random streams
     * @param optimizer the optimizer's state
     * @param losses the loss of each completed step
     * @param wallNanos wall time so far
     * @param evaluations the held-out evaluations so far
     * @param bestHeldOutLoss the lowest held-out loss so far
     * @param bestWeights the weights kept at the lowest held-out loss, or {@code null}
     */
    public TrainingState(int step, int totalSteps, int batch, Map<String, Rng.State> streams,
            OptimizerState optimizer, double[] losses, long wallNanos, List<ValidationEnd> evaluations,
            double bestHeldOutLoss, ModelWeights bestWeights) {
        this(step, totalSteps, batch, streams, optimizer, losses, wallNanos, evaluations, bestHeldOutLoss,
                bestWeights, null);
    }

    /** The purposes of the loop's random streams, each split from the run's seed. */
    public static final List<String> STREAMS = List.of("source", "data", "coupling", "time", "path");

    /** The version {@link #toJson()} writes and {@link #fromJson} reads. */
    public static final int FORMAT_VERSION = 1;

    /** Prefix of Adam's first moments in {@link #tensors()}, followed by the parameter name. */
    public static final String FIRST_MOMENT_PREFIX = "optimizer.m.";
    /** Prefix of Adam's second moments in {@link #tensors()}. */
    public static final String SECOND_MOMENT_PREFIX = "optimizer.v.";
    /** Prefix of the kept best weights in {@link #tensors()}. */
    public static final String BEST_PREFIX = "best.";
    /** Prefix of the moving average of the weights in {@link #tensors()}. */
    public static final String EMA_PREFIX = "ema.";
    /** Prefix of the moving average kept with the best weights in {@link #tensors()}. */
    public static final String BEST_EMA_PREFIX = "best-ema.";

    /** The longest name shown whole in messages. */
    private static final int SHORT = 60;

    /**
     * Validates every field and their consistency, and copies.
     *
     * @throws IllegalArgumentException naming the field (as in {@link #toJson()}) and the bad value
     */
    public TrainingState {
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(evaluations, "evaluations");
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (step < 0 || step > totalSteps) {
            throw new IllegalArgumentException("step must be in [0, totalSteps = " + totalSteps + "], got " + step);
        }
        if (!streams.keySet().equals(new HashSet<>(STREAMS))) {
            throw new IllegalArgumentException("random must hold exactly the streams " + STREAMS + ", got "
                    + streams.keySet());
        }
        Map<String, Rng.State> ordered = new LinkedHashMap<>();
        for (String label : STREAMS) {
            ordered.put(label, Objects.requireNonNull(streams.get(label), label));
        }
        streams = java.util.Collections.unmodifiableMap(ordered);
        losses = losses.clone();
        if (losses.length != step) {
            throw new IllegalArgumentException("losses must hold one value per completed step (" + step + "), got "
                    + losses.length);
        }
        for (int i = 0; i < losses.length; i++) {
            if (!Double.isFinite(losses[i])) {
                throw new IllegalArgumentException("losses[" + i + "] must be finite, got " + losses[i]);
            }
        }
        if (wallNanos < 0) {
            throw new IllegalArgumentException("wallNanos must be >= 0, got " + wallNanos);
        }
        evaluations = List.copyOf(evaluations);
        double lastBest = Double.POSITIVE_INFINITY;
        int previous = 0;
        for (int i = 0; i < evaluations.size(); i++) {
            ValidationEnd e = evaluations.get(i);
            if (e.step() <= previous || e.step() > step) {
                throw new IllegalArgumentException("validation.evaluations[" + i + "].step must be after the previous"
                        + " evaluation's (" + previous + ") and at most step " + step + ", got " + e.step());
            }
            previous = e.step();
            if (e.best()) {
                lastBest = e.heldOutLoss();
            }
        }
        if (Double.compare(bestHeldOutLoss, lastBest) != 0) {
            throw new IllegalArgumentException("validation.bestHeldOutLoss must be the held-out loss of the last"
                    + " evaluation flagged best (" + lastBest + "), got " + bestHeldOutLoss);
        }
        if (bestWeights != null && lastBest == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("best weights are kept but no evaluation is flagged best");
        }
        if (bestWeights != null && !bestWeights.names().equals(optimizer.firstMoments().names())) {
            throw new IllegalArgumentException("best weights hold " + bestWeights.names() + " but the optimizer's"
                    + " moments " + optimizer.firstMoments().names());
        }
        if (ema != null) {
            if (!ema.weights().names().equals(optimizer.firstMoments().names())) {
                throw new IllegalArgumentException("the moving average holds " + ema.weights().names()
                        + " but the optimizer's moments " + optimizer.firstMoments().names());
            }
            if ((ema.best() != null) != (bestWeights != null)) {
                throw new IllegalArgumentException(bestWeights != null
                        ? "best weights are kept without the moving average of their step"
                        : "a best moving average is kept without best weights");
            }
        }
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    /** @return the parameter names, in the model's order */
    public List<String> parameterNames() {
        return optimizer.firstMoments().names();
    }

    /**
     * The small fields as JSON; {@link #tensors()} holds the arrays.
     *
     * @return a new object: {@code version, step, totalSteps, batch, wallNanos, parameters, random,
     *     optimizer {steps, learningRate}, losses, validation {bestHeldOutLoss, keptBestWeights,
     *     evaluations}} and, when the run keeps a moving average, {@code ema {decay}}
     */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", FORMAT_VERSION);
        root.put("step", step);
        root.put("totalSteps", totalSteps);
        root.put("batch", batch);
        root.put("wallNanos", wallNanos);
        ArrayNode names = root.putArray("parameters");
        parameterNames().forEach(names::add);
        ObjectNode random = root.putObject("random");
        for (Map.Entry<String, Rng.State> e : streams.entrySet()) {
            ObjectNode s = random.putObject(e.getKey());
            s.put("seed", e.getValue().seed());
            s.put("state", e.getValue().state());
            s.set("spareNormal", number(e.getValue().spareNormal()));
            s.put("hasSpare", e.getValue().hasSpare());
        }
        ObjectNode opt = root.putObject("optimizer");
        opt.put("steps", optimizer.steps());
        opt.set("learningRate", number(optimizer.learningRate()));
        ArrayNode l = root.putArray("losses");
        for (double x : losses) {
            l.add(number(x));
        }
        ObjectNode v = root.putObject("validation");
        v.set("bestHeldOutLoss", number(bestHeldOutLoss));
        v.put("keptBestWeights", bestWeights != null);
        ArrayNode evals = v.putArray("evaluations");
        for (ValidationEnd e : evaluations) {
            ObjectNode o = evals.addObject();
            o.put("step", e.step());
            o.set("trainLoss", number(e.trainLoss()));
            o.set("heldOutLoss", number(e.heldOutLoss()));
            o.set("trainNll", e.trainNll() == null ? f.nullNode() : number(e.trainNll()));
            o.set("heldOutNll", e.heldOutNll() == null ? f.nullNode() : number(e.heldOutNll()));
            o.put("best", e.best());
        }
        if (ema != null) {
            root.putObject("ema").set("decay", number(ema.decay()));
        }
        return root;
    }

    /** A finite double as a JSON number (round-trip form), a non-finite one as its Java name. */
    private static JsonNode number(double x) {
        return Double.isFinite(x) ? JsonNodeFactory.instance.numberNode(x) : JsonNodeFactory.instance.textNode(
                Double.toString(x));
    }

    /**
     * The large arrays: Adam's moments as {@code optimizer.m.<param>} and {@code optimizer.v.<param>}
     * (all first moments, then all second moments, in the model's order), then the kept best weights
     * as {@code best.<param>} when there are any, then the moving average as {@code ema.<param>} and
     * the one kept with the best weights as {@code best-ema.<param>} when the run keeps them.
     *
     * @return the arrays under those names
     */
    public ModelWeights tensors() {
        List<ModelWeights.Parameter> out = new ArrayList<>();
        prefixed(FIRST_MOMENT_PREFIX, optimizer.firstMoments(), out);
        prefixed(SECOND_MOMENT_PREFIX, optimizer.secondMoments(), out);
        if (bestWeights != null) {
            prefixed(BEST_PREFIX, bestWeights, out);
        }
        if (ema != null) {
            prefixed(EMA_PREFIX, ema.weights(), out);
            if (ema.best() != null) {
                prefixed(BEST_EMA_PREFIX, ema.best(), out);
            }
        }
        return new ModelWeights(out);
    }

    private static void prefixed(String prefix, ModelWeights w, List<ModelWeights.Parameter> out) {
        for (ModelWeights.Parameter p : w.parameters()) {
            out.add(new ModelWeights.Parameter(prefix + p.name(), p.shape(), p.values()));
        }
    }

    /**
     * Reads a state written by {@link #toJson()} and {@link #tensors()}. Tensors outside the
     * {@code optimizer.}, {@code best.}, {@code ema.} and {@code best-ema.} prefixes are ignored, so
     * the arrays may share a file with the model's weights. A state without the {@code ema} field (as
     * written before moving averages existed) keeps none.
     *
     * @param json the small fields
     * @param tensors the arrays
     * @param source where they came from (a file name), for messages
     * @return the state
     * @throws CheckpointException naming {@code source} and the first missing or invalid field or tensor
     */
    public static TrainingState fromJson(JsonNode json, ModelWeights tensors, String source) {
        Objects.requireNonNull(tensors, "tensors");
        JsonFields r = JsonFields.labelled(Objects.requireNonNull(source, "source"), "training-state field");
        if (json == null || !json.isObject()) {
            throw new CheckpointException(source + ": a training state must be a JSON object, got "
                    + JsonFields.kind(json));
        }
        int version = r.integer(json, "version");
        if (version != FORMAT_VERSION) {
            throw r.fail("version", "is " + version + ", but this fm-jvm reads training-state version " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? "; it was written by a newer fm-jvm" : ""));
        }
        int step = r.integer(json, "step");
        int totalSteps = r.integer(json, "totalSteps");
        int batch = r.integer(json, "batch");
        long wallNanos = r.longInteger(json, "wallNanos");
        JsonNode names = r.array(json, "parameters");
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            JsonNode n = names.get(i);
            if (!n.isTextual() || n.textValue().isEmpty()) {
                throw r.invalid("parameters[" + i + "]", "a non-empty string", n);
            }
            if (parameters.contains(n.textValue())) {
                throw r.fail("parameters[" + i + "]", "repeats the name " + shorten(n.textValue()));
            }
            parameters.add(n.textValue());
        }
        if (parameters.isEmpty()) {
            throw r.fail("parameters", "must name at least one parameter, got none");
        }
        JsonNode random = r.object(json, "random");
        Map<String, Rng.State> streams = new LinkedHashMap<>();
        for (String label : STREAMS) {
            JsonNode s = r.at("random").object(random, label);
            JsonFields rs = r.at("random." + label);
            streams.put(label, new Rng.State(rs.longInteger(s, "seed"), rs.longInteger(s, "state"),
                    rs.finite(s, "spareNormal"), rs.bool(s, "hasSpare")));
        }
        for (var it = random.fieldNames(); it.hasNext();) {
            String label = it.next();
            if (!STREAMS.contains(label)) {
                throw r.fail("random." + shorten(label), "is not a stream of the training loop; known: " + STREAMS);
            }
        }
        JsonNode opt = r.object(json, "optimizer");
        long optimizerSteps = r.at("optimizer").longInteger(opt, "steps");
        double learningRate = number(r.at("optimizer"), opt, "learningRate");
        JsonNode l = r.array(json, "losses");
        double[] losses = new double[l.size()];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = value(r, l.get(i), "losses[" + i + "]");
        }
        JsonNode v = r.object(json, "validation");
        JsonFields rv = r.at("validation");
        double bestHeldOutLoss = number(rv, v, "bestHeldOutLoss");
        boolean keptBest = rv.bool(v, "keptBestWeights");
        JsonNode evals = rv.array(v, "evaluations");
        List<ValidationEnd> evaluations = new ArrayList<>();
        for (int i = 0; i < evals.size(); i++) {
            JsonNode e = evals.get(i);
            if (!e.isObject()) {
                throw rv.invalid("evaluations[" + i + "]", "an object", e);
            }
            JsonFields re = rv.at("evaluations[" + i + "]");
            evaluations.add(new ValidationEnd(re.integer(e, "step"), number(re, e, "trainLoss"),
                    number(re, e, "heldOutLoss"), nullableNumber(re, e, "trainNll"),
                    nullableNumber(re, e, "heldOutNll"), re.bool(e, "best")));
        }

        Map<String, ModelWeights.Parameter> byName = new LinkedHashMap<>();
        for (ModelWeights.Parameter p : tensors.parameters()) {
            byName.put(p.name(), p);
        }
        Set<String> used = new HashSet<>();
        ModelWeights m = tensors(source, byName, used, FIRST_MOMENT_PREFIX, parameters);
        ModelWeights vs = tensors(source, byName, used, SECOND_MOMENT_PREFIX, parameters);
        ModelWeights best = keptBest ? tensors(source, byName, used, BEST_PREFIX, parameters) : null;
        Ema ema = null;
        if (json.has("ema") && !json.get("ema").isNull()) {
            JsonNode e = r.object(json, "ema");
            double decay = number(r.at("ema"), e, "decay");
            ModelWeights average = tensors(source, byName, used, EMA_PREFIX, parameters);
            ModelWeights bestAverage = keptBest ? tensors(source, byName, used, BEST_EMA_PREFIX, parameters) : null;
            try {
                ema = new Ema(decay, average, bestAverage);
            } catch (IllegalArgumentException ex) {
                throw r.fail("ema.decay", "is invalid: " + ex.getMessage(), ex);
            }
        }
        for (String name : byName.keySet()) {
            boolean ours = name.startsWith("optimizer.") || name.startsWith(BEST_PREFIX) || name.startsWith(EMA_PREFIX)
                    || name.startsWith(BEST_EMA_PREFIX);
            if (ours && !used.contains(name)) {
                throw new CheckpointException(source + ": tensor " + shorten(name) + " is not part of the"
                        + " training state (parameters " + shorten(parameters.toString()) + ", keptBestWeights "
                        + keptBest + ", moving average " + (ema != null) + ")");
            }
        }
        OptimizerState optimizer;
        try {
            optimizer = new OptimizerState(optimizerSteps, learningRate, m, vs);
        } catch (IllegalArgumentException | FlowMatchingException e) {
            throw new CheckpointException(source + ": optimizer state is invalid: " + e.getMessage(), e);
        }
        try {
            return new TrainingState(step, totalSteps, batch, streams, optimizer, losses, wallNanos, evaluations,
                    bestHeldOutLoss, best, ema);
        } catch (IllegalArgumentException | FlowMatchingException e) {
            throw new CheckpointException(source + ": training state is invalid: " + e.getMessage(), e);
        }
    }

    /** Up to {@value #SHORT} characters of a name, then its length. */
    private static String shorten(String s) {
        return s.length() <= SHORT ? s : s.substring(0, SHORT) + "... (" + s.length() + " characters)";
    }

    /** The field {@code key}, a number as {@link #toJson()} writes it (see {@link #value}). */
    private static double number(JsonFields r, JsonNode parent, String key) {
        return value(r, r.field(parent, key), key);
    }

    /** The field {@code key}, which must be present: {@code null} or a number as {@link #toJson()} writes it. */
    private static Double nullableNumber(JsonFields r, JsonNode parent, String key) {
        if (!parent.has(key)) {
            throw r.missing(key);
        }
        JsonNode v = parent.get(key);
        return v.isNull() ? null : value(r, v, key);
    }

    /** A JSON number, or one of the strings {@code NaN}, {@code Infinity}, {@code -Infinity}. */
    private static double value(JsonFields r, JsonNode v, String path) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw r.invalid(path, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", v);
    }

    /** The tensors {@code prefix + name} for every parameter, renamed to the parameter names. */
    private static ModelWeights tensors(String source, Map<String, ModelWeights.Parameter> byName, Set<String> used,
            String prefix, List<String> parameters) {
        List<ModelWeights.Parameter> out = new ArrayList<>();
        for (String name : parameters) {
            ModelWeights.Parameter p = byName.get(prefix + name);
            if (p == null) {
                throw new CheckpointException(source + ": tensor " + shorten(prefix + name) + " is missing");
            }
            used.add(prefix + name);
            out.add(new ModelWeights.Parameter(name, p.shape(), p.values()));
        }
        return new ModelWeights(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingState s && s.step == step && s.totalSteps == totalSteps && s.batch == batch
                && s.streams.equals(streams) && s.optimizer.equals(optimizer) && Arrays.equals(s.losses, losses)
                && s.wallNanos == wallNanos && s.evaluations.equals(evaluations)
                && Double.compare(s.bestHeldOutLoss, bestHeldOutLoss) == 0 && Objects.equals(s.bestWeights, bestWeights)
                && Objects.equals(s.ema, ema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, totalSteps, batch, streams, optimizer, Arrays.hashCode(losses), wallNanos,
                evaluations, bestHeldOutLoss, bestWeights, ema);
    }

    @Override
    public String toString() {
        return "TrainingState[step " + step + " of " + totalSteps + ", batch " + batch + ", " + evaluations.size()
                + " evaluations" + (bestWeights != null ? ", best weights kept" : "")
                + (ema != null ? ", moving average with decay " + ema.decay() : "") + "]";
    }
}
