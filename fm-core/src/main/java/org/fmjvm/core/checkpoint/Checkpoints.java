package org.fmjvm.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.normalize.Normalizer;

/**
 * Saves and loads checkpoint folders: {@value #WEIGHTS_FILE} (the weights, see {@link Safetensors})
 * and {@value #INFO_FILE} (a {@link CheckpointInfo} as JSON).
 *
 * <p>Saving removes an old sidecar, writes the weights, and writes the sidecar last, each file
 * atomically: a crash at any point leaves either a complete checkpoint or a folder without a sidecar,
 * never a sidecar that describes weights which are not there. Loading checks every part and throws
 * a {@link CheckpointException} naming the file, the problem and the fix.
 *
 * <p>Thread safety: stateless and thread-safe (but two threads saving to one folder race, as with
 * any files).
 */
public final class Checkpoints {

    /** The weights file inside a checkpoint folder. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** The sidecar inside a checkpoint folder. */
    public static final String INFO_FILE = "checkpoint.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Checkpoints() {
    }

    /**
     * A loaded checkpoint.
     *
     * @param info the sidecar
     * @param weights the weights, in the order of {@code info.model().parameterShapes()}
     */
    public record Loaded(CheckpointInfo info, ModelWeights weights) {
        /** Checks for nulls. */
        public Loaded {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(weights, "weights");
        }
    }

    /**
     * Writes a checkpoint folder, creating it if needed and replacing an earlier checkpoint there.
     *
     * @param dir the folder
     * @param info what to record
     * @param weights the weights; must match {@code info.model()}
     * @throws CheckpointException if the weights do not fit the model or a file cannot be written
     */
    public static void save(Path dir, CheckpointInfo info, ModelWeights weights) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(weights, "weights");
        try {
            weights.requireMatches(info.model());
        } catch (ShapeMismatchException e) {
            throw new CheckpointException("cannot save a checkpoint to " + dir + ": the weights do not match "
                    + info.model().describe() + ": " + e.getMessage(), e);
        }
        Path sidecar = dir.resolve(INFO_FILE);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(sidecar);
        } catch (FileAlreadyExistsException e) {
            throw new CheckpointException("cannot save a checkpoint to " + dir + ": it exists and is not a directory", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot save a checkpoint to " + dir + ": " + e.getMessage(), e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("producer", "fm-jvm");
        meta.put("model", info.model().describe());
        Safetensors.write(dir.resolve(WEIGHTS_FILE), weights, meta);
        try {
            AtomicFiles.writeString(sidecar, toJson(info));
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + sidecar + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads and validates a checkpoint folder.
     *
     * @param dir the folder written by {@link #save}
     * @return the sidecar and the weights, reordered to the model's parameter order if needed
     * @throws CheckpointException if the folder, the sidecar or the weights are missing or corrupt, or
     *     the weights do not match the recorded model
     */
    public static Loaded load(Path dir) {
        CheckpointInfo info = readInfo(dir);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            throw new CheckpointException(dir + " has " + INFO_FILE + " but no " + WEIGHTS_FILE
                    + ": the weights are missing; copy them back or re-run fm train --out " + dir);
        }
        ModelWeights weights = Safetensors.read(weightsFile).weights();
        ModelWeights ordered = inSpecOrder(weights, info.model());
        try {
            ordered.requireMatches(info.model());
        } catch (ShapeMismatchException e) {
            throw new CheckpointException(weightsFile + " does not match the model in " + INFO_FILE + " ("
                    + info.model().describe() + "): " + e.getMessage(), e);
        }
        return new Loaded(info, ordered);
    }

    /**
     * Reads only the sidecar of a checkpoint folder.
     *
     * @param dir the folder
     * @return its {@link CheckpointInfo}
     * @throws CheckpointException if the folder or sidecar is missing, or the sidecar is corrupt,
     *     incomplete or of an unsupported format version
     */
    public static CheckpointInfo readInfo(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new CheckpointException("no checkpoint at " + dir + ": create one with fm train --out " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " is a file, not a checkpoint folder: pass the folder that holds "
                    + INFO_FILE + " and " + WEIGHTS_FILE);
        }
        Path sidecar = dir.resolve(INFO_FILE);
        if (!Files.exists(sidecar)) {
            throw new CheckpointException(dir + " has no " + INFO_FILE + ": it is not a checkpoint folder, or saving "
                    + "did not finish; re-run fm train --out " + dir);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(sidecar)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(sidecar + " is not UTF-8 text: the file is corrupt", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + sidecar + ": " + e.getMessage(), e);
        }
        return fromJson(text, sidecar.toString());
    }

    /**
     * @param info a checkpoint's info
     * @return the sidecar's JSON text (indented, ending with a newline)
     */
    public static String toJson(CheckpointInfo info) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", info.formatVersion());
        ObjectNode model = root.putObject("model");
        model.put("dim", info.model().dim());
        info.model().hidden().forEach(model.putArray("hidden")::add);
        model.put("activation", info.model().activation().id());
        model.put("timeEmbedding", info.model().timeEmbedding().id());
        putComponent(root.putObject("path"), info.path());
        putComponent(root.putObject("coupling"), info.coupling());
        root.put("dataDim", info.dataDim());
        root.put("data", info.data());
        root.put("source", info.source());
        root.put("seed", info.seed());
        root.put("steps", info.steps());
        root.put("batch", info.batch());
        OptimizerSpec o = info.optimizer();
        ObjectNode opt = root.putObject("optimizer");
        opt.put("learningRate", o.learningRate());
        opt.put("beta1", o.beta1());
        opt.put("beta2", o.beta2());
        opt.put("epsilon", o.epsilon());
        opt.put("weightDecay", o.weightDecay());
        opt.put("decoupledWeightDecay", o.decoupledWeightDecay());
        opt.put("maxGradNorm", o.maxGradNorm());
        root.put("backend", info.backend());
        ObjectNode training = root.putObject("training");
        training.put("finalLoss", info.training().finalLoss());
        training.put("wallSeconds", info.training().wallSeconds());
        root.put("created", info.created().toString());
        root.set("normalization", info.normalization().toJson());
        if (!info.columns().isEmpty()) {
            info.columns().forEach(root.putArray("columns")::add);
        }
        CheckpointInfo.HeldOut h = info.heldOut();
        if (h != null) {
            ObjectNode held = root.putObject("heldOut");
            held.put("fraction", h.fraction());
            held.put("rows", h.rows());
            held.put("weightsStep", h.weightsStep());
            held.put("heldOutLoss", h.heldOutLoss());
            if (h.heldOutNll() != null) {
                held.put("heldOutNll", h.heldOutNll());
            }
        }
        root.put("weights", WEIGHTS_FILE);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise checkpoint info", e);
        }
    }

    private static void putComponent(ObjectNode node, CheckpointInfo.Component c) {
        node.put("name", c.name());
        ObjectNode params = node.putObject("params");
        c.params().forEach(params::put);
    }

    /**
     * Parses a sidecar.
     *
     * @param json the sidecar's text
     * @param source the file name, for messages
     * @return the info
     * @throws CheckpointException naming {@code source} and the missing or invalid field
     */
    public static CheckpointInfo fromJson(String json, String source) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(source, "source");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new CheckpointException(source + " is not valid JSON" + where + " (" + e.getOriginalMessage()
                    + "): the file is corrupt; restore it or re-run training", e);
        }
        Reader r = new Reader(source);
        if (root == null || !root.isObject()) {
            throw new CheckpointException(source + " must hold a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT))
                    + ": the file is corrupt; restore it or re-run training");
        }
        int version = r.integer(root, "formatVersion");
        if (version < 1 || version > CheckpointInfo.FORMAT_VERSION) {
            throw new CheckpointException(source + " has format version " + version
                    + ", but this fm-jvm reads versions 1 to " + CheckpointInfo.FORMAT_VERSION + (version > CheckpointInfo.FORMAT_VERSION
                            ? ": it was written by a newer fm-jvm; upgrade to load it"
                            : ": the file is not a valid checkpoint"));
        }
        try {
            JsonNode m = r.object(root, "model");
            List<Integer> hidden = new ArrayList<>();
            JsonNode h = r.array(m, "model.hidden", "hidden");
            for (JsonNode w : h) {
                if (!w.isIntegralNumber() || !w.canConvertToInt()) {
                    throw r.invalid("model.hidden", "a list of integers", h);
                }
                hidden.add(w.intValue());
            }
            ModelSpec model = new ModelSpec(r.integer(m, "model.dim", "dim"), hidden,
                    Activation.parse(r.text(m, "model.activation", "activation")),
                    TimeEmbedding.parse(r.text(m, "model.timeEmbedding", "timeEmbedding")));
            JsonNode o = r.object(root, "optimizer");
            OptimizerSpec optimizer = new OptimizerSpec(r.number(o, "optimizer.learningRate", "learningRate"),
                    r.number(o, "optimizer.beta1", "beta1"), r.number(o, "optimizer.beta2", "beta2"),
                    r.number(o, "optimizer.epsilon", "epsilon"), r.number(o, "optimizer.weightDecay", "weightDecay"),
                    r.bool(o, "optimizer.decoupledWeightDecay", "decoupledWeightDecay"),
                    r.number(o, "optimizer.maxGradNorm", "maxGradNorm"));
            JsonNode t = r.object(root, "training");
            CheckpointInfo.TrainingSummary training = new CheckpointInfo.TrainingSummary(
                    r.number(t, "training.finalLoss", "finalLoss"), r.number(t, "training.wallSeconds", "wallSeconds"));
            String createdText = r.text(root, "created");
            Instant created;
            try {
                created = Instant.parse(createdText);
            } catch (DateTimeParseException e) {
                throw r.invalid("created", "an ISO-8601 UTC time such as 2026-01-31T12:00:00Z", root.get("created"));
            }
            int dataDim = r.integer(root, "dataDim");
            Normalizer normalization = version >= 2
                    ? Normalizer.fromJson(r.object(root, "normalization"), source)
                    : Normalizer.identity(dataDim);
            CheckpointInfo.HeldOut heldOut = null;
            if (version >= 2 && root.has("heldOut") && !root.get("heldOut").isNull()) {
                JsonNode ho = r.object(root, "heldOut");
                heldOut = new CheckpointInfo.HeldOut(r.number(ho, "heldOut.fraction", "fraction"),
                        r.integer(ho, "heldOut.rows", "rows"), r.integer(ho, "heldOut.weightsStep", "weightsStep"),
                        r.number(ho, "heldOut.heldOutLoss", "heldOutLoss"),
                        ho.has("heldOutNll") ? r.number(ho, "heldOut.heldOutNll", "heldOutNll") : null);
            }
            List<String> columns = new ArrayList<>();
            if (version >= 2 && root.has("columns")) {
                JsonNode cols = r.array(root, "columns", "columns");
                for (JsonNode c : cols) {
                    if (!c.isTextual()) {
                        throw r.invalid("columns", "a list of column names", cols);
                    }
                    columns.add(c.textValue());
                }
            }
            return new CheckpointInfo(version, model, r.component(root, "path"), r.component(root, "coupling"),
                    dataDim, r.text(root, "data"),
                    root.has("source") ? r.text(root, "source") : GaussianSource.NAME, r.longInteger(root, "seed"),
                    r.integer(root, "steps"), r.integer(root, "batch"), optimizer, r.text(root, "backend"), training,
                    created, normalization, heldOut, columns);
        } catch (ConfigurationException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads fields of the sidecar with messages that name the file and the field. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        JsonNode field(JsonNode parent, String path, String key) {
            JsonNode v = parent.get(key);
            if (v == null || v.isNull()) {
                throw new CheckpointException(source + " has no field '" + path
                        + "': the file is incomplete; restore it or re-run training");
            }
            return v;
        }

        CheckpointException invalid(String path, String expected, JsonNode got) {
            return new CheckpointException(source + ": field '" + path + "' must be " + expected + ", got " + got);
        }

        JsonNode object(JsonNode parent, String key) {
            JsonNode v = field(parent, key, key);
            if (!v.isObject()) {
                throw invalid(key, "an object", v);
            }
            return v;
        }

        JsonNode array(JsonNode parent, String path, String key) {
            JsonNode v = field(parent, path, key);
            if (!v.isArray()) {
                throw invalid(path, "a list", v);
            }
            return v;
        }

        String text(JsonNode parent, String key) {
            return text(parent, key, key);
        }

        String text(JsonNode parent, String path, String key) {
            JsonNode v = field(parent, path, key);
            if (!v.isTextual()) {
                throw invalid(path, "a string", v);
            }
            return v.textValue();
        }

        int integer(JsonNode parent, String key) {
            return integer(parent, key, key);
        }

        int integer(JsonNode parent, String path, String key) {
            JsonNode v = field(parent, path, key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw invalid(path, "an integer", v);
            }
            return v.intValue();
        }

        long longInteger(JsonNode parent, String key) {
            JsonNode v = field(parent, key, key);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw invalid(key, "an integer", v);
            }
            return v.longValue();
        }

        double number(JsonNode parent, String path, String key) {
            JsonNode v = field(parent, path, key);
            if (!v.isNumber()) {
                throw invalid(path, "a number", v);
            }
            return v.doubleValue();
        }

        boolean bool(JsonNode parent, String path, String key) {
            JsonNode v = field(parent, path, key);
            if (!v.isBoolean()) {
                throw invalid(path, "true or false", v);
            }
            return v.booleanValue();
        }

        CheckpointInfo.Component component(JsonNode root, String key) {
            JsonNode c = object(root, key);
            String name = text(c, key + ".name", "name");
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode p = c.get("params");
            if (p != null && !p.isNull()) {
                if (!p.isObject()) {
                    throw invalid(key + ".params", "an object of strings", p);
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual()) {
                        throw invalid(key + ".params." + e.getKey(), "a string", e.getValue());
                    }
                    params.put(e.getKey(), e.getValue().textValue());
                }
            }
            return new CheckpointInfo.Component(name, params);
        }
    }

    /** Puts tensors in the spec's order when the names are the same set (files written by other tools). */
    private static ModelWeights inSpecOrder(ModelWeights weights, ModelSpec spec) {
        List<ModelWeights.Parameter> want = spec.parameterShapes();
        List<String> have = weights.names();
        if (want.size() != have.size()) {
            return weights;
        }
        List<ModelWeights.Parameter> ordered = new ArrayList<>(want.size());
        for (ModelWeights.Parameter w : want) {
            if (!have.contains(w.name())) {
                return weights;
            }
            ordered.add(weights.get(w.name()));
        }
        return new ModelWeights(ordered);
    }
}
