package org.fmjvm.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.FlowMatchingException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.EmpiricalDataset;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.Hashes;
import org.fmjvm.core.io.JsonFields;
import org.fmjvm.core.io.Snippets;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;

/**
 * Saves and loads checkpoint folders.
 *
 * <p>Layout (format {@value CheckpointInfo#FORMAT_VERSION}): {@value #INFO_FILE} (a {@link CheckpointInfo}
 * as JSON) names the files of the current generation, {@code model-NNNNNN.safetensors} (the weights,
 * see {@link Safetensors}) and, when present, {@code ema-NNNNNN.safetensors} (an exponential moving
 * average of the weights, with its decay recorded in the sidecar; sampling uses it by default, see
 * {@link Loaded#samplingWeights()}), {@code state-NNNNNN.safetensors} (what resuming the training
 * needs) and {@code source-NNNNNN.safetensors} (the rows {@code x0} is drawn from, when the source
 * was a file), with the SHA-256 of each; loading checks every hash. A format 3 sidecar without EMA
 * weights (as written before they existed) loads as before. Formats 1 and 2 kept the weights in
 * {@value #LEGACY_WEIGHTS_FILE} without a hash; they still load, with a notice.
 *
 * <p>Saving is crash-safe: a save writes the new generation's files next to the old ones (each
 * flushed to disk), then replaces {@value #INFO_FILE} by an atomic rename, which is the commit, and
 * only then deletes the old generation and any temporary files a crashed save left. At every
 * instant the folder therefore holds a complete checkpoint, the old or the new; files a crash
 * leaves behind are never read. A {@link CheckpointLock} keeps a second writer out: it fails at
 * once, naming the holder.
 *
 * <p>Loading checks every part and throws a {@link CheckpointException} naming the file, the problem
 * and the fix; messages never quote the files' contents beyond short names.
 *
 * <p>Thread safety: the static methods are stateless; a {@link Writer} is one owner's.
 */
public final class Checkpoints {

    /** The sidecar inside a checkpoint folder; replacing it commits a save. */
    public static final String INFO_FILE = "checkpoint.json";
    /** The weights file of formats 1 and 2. */
    public static final String LEGACY_WEIGHTS_FILE = "model.safetensors";

    /** The largest model dimension or layer width a sidecar may describe. */
    static final int MAX_WIDTH = 1 << 24;
    /** The most hidden layers a sidecar may describe. */
    static final int MAX_LAYERS = 1024;
    /** The longest name or path a sidecar may hold. */
    static final int MAX_TEXT = 4096;

    private static final Pattern GENERATION_FILE = Pattern.compile("(model|ema|state|source)-([0-9]{6})\\.safetensors");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final String STATE = "state";
    private static final String SOURCE = "source";
    private static final String MODEL = "model";
    private static final String EMA = "ema";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Checkpoints() {
    }

    /**
     * The rows of the source distribution, stored inside a checkpoint when the source was a file, so
     * that sampling never re-reads a path that may have moved or changed.
     *
     * @param rows row-major {@code n x dim}
     * @param dim values per row
     */
    public record SourceRows(float[] rows, int dim) {
        /** Checks the shape and copies. */
        public SourceRows {
            Objects.requireNonNull(rows, "rows");
            if (dim < 1 || rows.length == 0 || rows.length % dim != 0) {
                throw new IllegalArgumentException("source rows need a whole number (>= 1) of rows of " + dim
                        + " values, got " + rows.length + " values");
            }
            rows = rows.clone();
        }

        /** @return a copy of the rows */
        @Override
        public float[] rows() {
            return rows.clone();
        }

        /** @return the number of rows */
        public int count() {
            return rows.length / dim;
        }
    }

    /**
     * An exponential moving average of the weights, stored next to them.
     *
     * @param decay the decay it was kept with ({@code ema = ema + (1 - decay) (w - ema)} after every
     *     step), in {@code [0, 1)}
     * @param weights the averaged weights, named and shaped like the model's
     */
    public record EmaWeights(double decay, ModelWeights weights) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException if the decay is outside {@code [0, 1)}
         */
        public EmaWeights {
            ModelInputs.emaDecay(decay);
            Objects.requireNonNull(weights, "weights");
        }
    }

    /** Which of a checkpoint's weight sets to use. */
    public enum WeightsKind {
        /** The exponential moving average of the weights. */
        EMA("ema"),
        /** The trained weights themselves (of the kept step, when the run kept the best). */
        FINAL("final");

        private final String id;

        WeightsKind(String id) {
            this.id = id;
        }

        /** @return the kind's name on the command line: {@code ema} or {@code final} */
        public String id() {
            return id;
        }

        /**
         * @param id {@code ema} or {@code final}, in any case
         * @param option what gave it, for the message, e.g. {@code --weights}
         * @return the kind
         * @throws ConfigurationException if it is neither, listing both
         */
        public static WeightsKind parse(String id, String option) {
            for (WeightsKind k : values()) {
                if (k.id.equals(Objects.requireNonNull(id, "id").strip().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new ConfigurationException(option + " must be ema or final, got '" + Snippets.excerpt(id) + "'");
        }
    }

    /**
     * What resuming a training run needs besides the weights: a JSON object (the trainer's state and
     * whatever the caller needs to rebuild the run) and tensors (the optimizer's moments, kept
     * weights).
     *
     * @param json small fields, written into {@value #INFO_FILE}
     * @param tensors large arrays, written to the generation's {@code state-NNNNNN.safetensors}
     */
    public record Resume(ObjectNode json, ModelWeights tensors) {
        /** Checks for nulls and copies the JSON. */
        public Resume {
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(tensors, "tensors");
            json = json.deepCopy();
        }

        /** @return a copy of the JSON */
        @Override
        public ObjectNode json() {
            return json.deepCopy();
        }
    }

    /**
     * A loaded checkpoint.
     *
     * @param dir the folder it was loaded from
     * @param info the sidecar
     * @param weights the weights, in the order of {@code info.model().parameterShapes()}
     * @param ema the moving average of the weights (in the same order) and its decay, or {@code null}
     *     when the checkpoint holds none
     * @param sourceRows the stored source rows, or {@code null} when the source is a built-in distribution
     *     (or a format 1-2 checkpoint named a file)
     * @param resume what resuming the run needs, or {@code null} when the checkpoint is not resumable
     * @param notices lines to show the user (e.g. that a format 1-2 checkpoint carries no hash)
     */
    public record Loaded(Path dir, CheckpointInfo info, ModelWeights weights, EmaWeights ema, SourceRows sourceRows,
            Resume resume, List<String> notices) {
        /** Checks for nulls and copies. */
        public Loaded {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(weights, "weights");
            notices = List.copyOf(notices);
        }

        /** @return the moving average of the weights, if the checkpoint holds one */
        public Optional<ModelWeights> emaWeights() {
            return ema == null ? Optional.empty() : Optional.of(ema.weights());
        }

        /** @return the weights sampling uses unless told otherwise: {@code EMA} when present, else {@code FINAL} */
        public WeightsKind defaultWeights() {
            return ema != null ? WeightsKind.EMA : WeightsKind.FINAL;
        }

        /**
         * @param kind which set
         * @return that set of weights
         * @throws ConfigurationException if {@code EMA} is asked of a checkpoint that holds none
         */
        public ModelWeights weights(WeightsKind kind) {
            if (Objects.requireNonNull(kind, "kind") == WeightsKind.FINAL) {
                return weights;
            }
            if (ema == null) {
                throw new ConfigurationException("the checkpoint " + dir + " holds no EMA weights (it was trained"
                        + " without --ema); use --weights final, or train with --ema 0.999 to get them");
            }
            return ema.weights();
        }

        /** @return the weights sampling uses by default: {@code weights(defaultWeights())} */
        public ModelWeights samplingWeights() {
            return weights(defaultWeights());
        }

        /**
         * @param kind which set
         * @return how to name it to the user, e.g. {@code EMA weights (decay 0.999)} or {@code final weights}
         */
        public String describe(WeightsKind kind) {
            weights(kind);
            return kind == WeightsKind.EMA ? "EMA weights (decay " + ema.decay() + ")" : "final weights"
                    + (ema != null ? " (not the EMA)" : "");
        }

        /**
         * The distribution sampling starts from: the stored rows, the standard normal or a data set by
         * name (built in or from a plugin on the class path). Only a format 1-2 checkpoint whose
         * source was a file re-reads that file (it stored nothing else), and says so in
         * {@link #notices()}.
         *
         * @return the source distribution, of dimension {@code info().dataDim()}
         * @throws CheckpointException if the sidecar names a source that is neither stored nor a data set
         *     of the plugins on the class path, or a format 1-2 source file can no longer be read as the source
         */
        public Dataset source() {
            int dim = info.dataDim();
            String name = info.source();
            if (sourceRows != null) {
                return EmpiricalDataset.of(name, sourceRows.rows(), sourceRows.dim(), sourceRows.count()
                        + " rows of " + Snippets.excerpt(name) + " stored in the checkpoint");
            }
            if (name.strip().equalsIgnoreCase(GaussianSource.NAME)) {
                return new GaussianSource(dim);
            }
            PluginRegistry registry = Plugins.discover();
            if (Datasets.names(registry).contains(name.strip().toLowerCase(Locale.ROOT))) {
                Dataset d = Datasets.byName(registry, name);
                if (d.dim() != dim) {
                    throw new CheckpointException(dir.resolve(INFO_FILE) + " names source '" + name + "' of dimension "
                            + d.dim() + " for data of dimension " + dim + "; the file is damaged");
                }
                return d;
            }
            if (info.formatVersion() >= 3) {
                throw new CheckpointException(dir.resolve(INFO_FILE) + " names source '" + Snippets.excerpt(name)
                        + "', which is neither a known data set (built in or from a plugin on the class path) nor"
                        + " stored in the checkpoint; if a plugin provided it, put that plugin back, else the file is"
                        + " damaged: restore it or re-run training");
            }
            try {
                return Datasets.source(registry, name, dim);
            } catch (FlowMatchingException e) {
                throw new CheckpointException("this format " + info.formatVersion() + " checkpoint (" + dir
                        + ") draws x0 from the file " + Snippets.excerpt(name) + ", which can no longer be read as a source"
                        + " of dimension " + dim + "; put the original file back or re-run training", e);
            }
        }
    }

    /**
     * An open writer of one checkpoint folder: it holds the folder's {@link CheckpointLock} until
     * closed, so periodic saves of one training run exclude every other writer for the whole run.
     *
     * <p>Not thread-safe: one owner.
     */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final CheckpointLock lock;

        private Writer(Path dir, CheckpointLock lock) {
            this.dir = dir;
            this.lock = lock;
        }

        /** @return the folder */
        public Path dir() {
            return dir;
        }

        /**
         * Saves one generation without EMA weights and commits it (see the class comment).
         *
         * @param info what to record
         * @param weights the weights; must match {@code info.model()}
         * @param sourceRows the source's rows to store, or {@code null}
         * @param resume the state to resume from, or {@code null}
         * @throws CheckpointException if the weights do not fit the model or a file cannot be written
         */
        public void save(CheckpointInfo info, ModelWeights weights, SourceRows sourceRows, Resume resume) {
            save(info, weights, null, sourceRows, resume);
        }

        /**
         * Saves one generation and commits it (see the class comment).
         *
         * @param info what to record
         * @param weights the weights; must match {@code info.model()}
         * @param ema the moving average of the weights and its decay, or {@code null}; must match
         *     {@code info.model()}
         * @param sourceRows the source's rows to store, or {@code null}
         * @param resume the state to resume from, or {@code null}
         * @throws CheckpointException if the weights do not fit the model or a file cannot be written
         */
        public void save(CheckpointInfo info, ModelWeights weights, EmaWeights ema, SourceRows sourceRows,
                Resume resume) {
            requireFits(dir, info, weights);
            if (ema != null) {
                requireFits(dir, info, ema.weights());
            }
            if (sourceRows != null && sourceRows.dim() != info.dataDim()) {
                throw new IllegalArgumentException("source rows of dimension " + sourceRows.dim()
                        + " for data of dimension " + info.dataDim());
            }
            int generation = nextGeneration(dir);
            Map<String, String> hashes = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("producer", "fm-jvm");
            meta.put("model", info.model().describe());
            String weightsFile = fileName(MODEL, generation);
            hashes.put(weightsFile, writeTensors(dir.resolve(weightsFile), weights, meta));
            String emaFile = null;
            if (ema != null) {
                emaFile = fileName(EMA, generation);
                Map<String, String> emaMeta = new LinkedHashMap<>(meta);
                emaMeta.put("ema_decay", Double.toString(ema.decay()));
                hashes.put(emaFile, writeTensors(dir.resolve(emaFile), ema.weights(), emaMeta));
            }
            String sourceFile = null;
            if (sourceRows != null) {
                sourceFile = fileName(SOURCE, generation);
                ModelWeights rows = new ModelWeights(List.of(new ModelWeights.Parameter("rows",
                        new int[] {sourceRows.count(), sourceRows.dim()}, sourceRows.rows())));
                hashes.put(sourceFile, writeTensors(dir.resolve(sourceFile), rows, Map.of("producer", "fm-jvm")));
            }
            String stateFile = null;
            if (resume != null) {
                stateFile = fileName(STATE, generation);
                hashes.put(stateFile, writeTensors(dir.resolve(stateFile), resume.tensors(),
                        Map.of("producer", "fm-jvm")));
            }
            Path sidecar = dir.resolve(INFO_FILE);
            try {
                AtomicFiles.writeString(sidecar, toJson(info, weightsFile, emaFile == null ? null
                        : new EmaFile(emaFile, ema.decay()), sourceFile, stateFile, hashes,
                        resume == null ? null : resume.json()));
            } catch (IOException e) {
                throw new CheckpointException("cannot write " + sidecar + ": " + e.getMessage()
                        + "; check that the folder is writable and the disk is not full", e);
            }
            removeStale(dir, hashes.keySet());
        }

        /** Releases the folder's lock. */
        @Override
        public void close() {
            lock.close();
        }
    }

    /**
     * Opens a folder for writing, creating it if needed, and locks it.
     *
     * @param dir the folder
     * @param purpose what the writer does, named to a second writer, e.g. {@code fm train}
     * @return the writer; close it to release the lock
     * @throws CheckpointException if another writer holds the folder (naming it) or it cannot be created
     */
    public static Writer open(Path dir, String purpose) {
        CheckpointLock lock = CheckpointLock.acquire(dir, purpose);
        return new Writer(dir, lock);
    }

    /**
     * Writes a checkpoint folder, creating it if needed and replacing an earlier checkpoint there,
     * under the folder's lock for the duration of the save.
     *
     * @param dir the folder
     * @param info what to record
     * @param weights the weights; must match {@code info.model()}
     * @throws CheckpointException if another writer holds the folder, the weights do not fit the model
     *     or a file cannot be written
     */
    public static void save(Path dir, CheckpointInfo info, ModelWeights weights) {
        save(dir, info, weights, null);
    }

    /**
     * As {@link #save(Path, CheckpointInfo, ModelWeights)}, with a moving average of the weights.
     *
     * @param dir the folder
     * @param info what to record
     * @param weights the weights; must match {@code info.model()}
     * @param ema the moving average and its decay, or {@code null}
     * @throws CheckpointException if another writer holds the folder, the weights do not fit the model
     *     or a file cannot be written
     */
    public static void save(Path dir, CheckpointInfo info, ModelWeights weights, EmaWeights ema) {
        Objects.requireNonNull(dir, "dir");
        requireFits(dir, info, weights); // before the folder is created
        if (ema != null) {
            requireFits(dir, info, ema.weights());
        }
        try (Writer w = open(dir, "saving a checkpoint")) {
            w.save(info, weights, ema, null, null);
        }
    }

    private static void requireFits(Path dir, CheckpointInfo info, ModelWeights weights) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(weights, "weights");
        try {
            weights.requireMatches(info.model());
        } catch (ShapeMismatchException e) {
            throw new CheckpointException("cannot save a checkpoint to " + dir + ": the weights do not match "
                    + info.model().describe() + ": " + e.getMessage(), e);
        }
    }

    private static String fileName(String kind, int generation) {
        return String.format(Locale.ROOT, "%s-%06d.safetensors", kind, generation);
    }

    private static String writeTensors(Path file, ModelWeights tensors, Map<String, String> meta) {
        return Safetensors.write(file, tensors, meta);
    }

    /** One more than the highest generation of any file in the folder, committed or left by a crash. */
    private static int nextGeneration(Path dir) {
        int max = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = GENERATION_FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list the checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        if (max >= 999_999) {
            throw new CheckpointException(dir + " holds generation " + max + ", the last this format numbers;"
                    + " save to a new folder");
        }
        return max + 1;
    }

    /**
     * After a commit: deletes the files of earlier generations, the weights of formats 1-2, and the
     * temporary files of interrupted saves. Other files in the folder are left alone; failures only
     * leave garbage that the next save removes.
     */
    private static void removeStale(Path dir, Set<String> current) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean ours = GENERATION_FILE.matcher(name).matches() || name.equals(LEGACY_WEIGHTS_FILE)
                        || isTemporary(name);
                if (ours && !current.contains(name)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // best effort: the commit has happened; leftovers are ignored by load and removed next time
        }
    }

    /**
     * @param name a file name in a checkpoint folder
     * @return whether saving manages it: the sidecar, a generation's file, the lock, the weights of
     *     formats 1-2, or a temporary file of an interrupted save; a folder holding only such files is
     *     a checkpoint folder (perhaps of a run that stopped before its first save finished)
     */
    public static boolean isCheckpointFile(String name) {
        return name.equals(INFO_FILE) || name.equals(CheckpointLock.FILE) || name.equals(LEGACY_WEIGHTS_FILE)
                || GENERATION_FILE.matcher(name).matches() || isTemporary(name);
    }

    /** A temporary file of {@link AtomicFiles} for one of a checkpoint's files. */
    private static boolean isTemporary(String name) {
        if (!name.startsWith(".") || !name.endsWith(".tmp")) {
            return false;
        }
        int dot = name.lastIndexOf('.', name.length() - 5);
        if (dot <= 1) {
            return false;
        }
        String target = name.substring(1, dot);
        return target.equals(INFO_FILE) || target.equals(LEGACY_WEIGHTS_FILE)
                || GENERATION_FILE.matcher(target).matches();
    }

    /**
     * Loads and validates a checkpoint folder.
     *
     * @param dir the folder written by {@link #save} or a {@link Writer}
     * @return the sidecar, the weights (reordered to the model's parameter order if needed), the stored
     *     source rows and resume state if any, and notices for the user
     * @throws CheckpointException if the folder, the sidecar or a file it names is missing, corrupt
     *     or does not match its recorded SHA-256, or the weights do not match the recorded model; a
     *     save that commits a newer generation while this load reads is not an error: the load reads
     *     the newer checkpoint
     */
    public static Loaded load(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Sidecar sidecar = readSidecar(dir);
        for (int attempt = 1; ; attempt++) {
            try {
                return load(dir, sidecar);
            } catch (CheckpointException e) {
                // a writer may have committed a newer generation and removed the files of the one read:
                // the checkpoint is complete, only newer, so read that one instead (a few times at most)
                Sidecar now = attempt < MAX_LOAD_ATTEMPTS ? sidecarIfReadable(dir) : null;
                if (now == null || now.weightsFile.equals(sidecar.weightsFile)) {
                    throw e;
                }
                sidecar = now;
            }
        }
    }

    /** How often {@link #load} starts again when a concurrent save replaced the generation it was reading. */
    private static final int MAX_LOAD_ATTEMPTS = 10;

    private static Sidecar sidecarIfReadable(Path dir) {
        try {
            return readSidecar(dir);
        } catch (CheckpointException e) {
            return null;
        }
    }

    private static Loaded load(Path dir, Sidecar sidecar) {
        CheckpointInfo info = sidecar.info;
        List<String> notices = new ArrayList<>();
        if (info.formatVersion() < 3) {
            notices.add(dir + ": this format " + info.formatVersion() + " checkpoint records no SHA-256 of its"
                    + " weights, so damage to them cannot be detected; re-train to get a checked checkpoint");
            if (!info.source().strip().equalsIgnoreCase(GaussianSource.NAME)
                    && !Datasets.names().contains(info.source().strip().toLowerCase(Locale.ROOT))) {
                notices.add(dir + ": x0 is drawn by re-reading " + Snippets.excerpt(info.source())
                        + " (format " + info.formatVersion() + " stored only its path)");
            }
        }
        ModelWeights ordered = modelWeights(dir, sidecar.weightsFile, sidecar.hashes, info);
        EmaWeights ema = sidecar.ema == null ? null
                : new EmaWeights(sidecar.ema.decay(), modelWeights(dir, sidecar.ema.file(), sidecar.hashes, info));
        SourceRows sourceRows = null;
        if (sidecar.sourceFile != null) {
            ModelWeights rows = Safetensors.parse(readChecked(dir, sidecar.sourceFile, sidecar.hashes),
                    dir.resolve(sidecar.sourceFile).toString()).weights();
            ModelWeights.Parameter r = rows.parameters().size() == 1 ? rows.parameters().get(0) : null;
            if (r == null || !r.name().equals("rows") || r.shape().length != 2 || r.shape()[1] != info.dataDim()
                    || r.shape()[0] < 1) {
                throw new CheckpointException(dir.resolve(sidecar.sourceFile) + " must hold one tensor 'rows' of shape"
                        + " [n, " + info.dataDim() + "]; the file does not belong to this checkpoint");
            }
            float[] values = r.values();
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new CheckpointException(dir.resolve(sidecar.sourceFile) + " holds a non-finite value;"
                            + " the file is damaged");
                }
            }
            sourceRows = new SourceRows(values, info.dataDim());
        }
        Resume resume = null;
        if (sidecar.stateFile != null) {
            ModelWeights tensors = Safetensors.parse(readChecked(dir, sidecar.stateFile, sidecar.hashes),
                    dir.resolve(sidecar.stateFile).toString()).weights();
            resume = new Resume(sidecar.resumeJson, tensors);
        }
        return new Loaded(dir, info, ordered, ema, sourceRows, resume, notices);
    }

    /** A file of weights, checked against its hash and the model, in the model's parameter order. */
    private static ModelWeights modelWeights(Path dir, String file, Map<String, String> hashes, CheckpointInfo info) {
        ModelWeights weights = Safetensors.parse(readChecked(dir, file, hashes), dir.resolve(file).toString())
                .weights();
        Path weightsPath = dir.resolve(file);
        long stored = 0;
        for (ModelWeights.Parameter p : weights.parameters()) {
            stored += p.size();
        }
        if (stored != info.model().parameterCount()) {
            throw new CheckpointException(weightsPath + " holds " + stored + " values but the model in " + INFO_FILE
                    + " (" + info.model().describe() + ") has " + info.model().parameterCount()
                    + " parameters; the files do not belong together");
        }
        ModelWeights ordered = inSpecOrder(weights, info.model());
        try {
            ordered.requireMatches(info.model());
        } catch (ShapeMismatchException e) {
            throw new CheckpointException(weightsPath + " does not match the model in " + INFO_FILE + " ("
                    + info.model().describe() + "): " + e.getMessage(), e);
        }
        return ordered;
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
        return readSidecar(dir).info;
    }

    /** The sidecar with the file names and hashes of its generation. */
    private record Sidecar(CheckpointInfo info, String weightsFile, EmaFile ema, String sourceFile, String stateFile,
            Map<String, String> hashes, ObjectNode resumeJson) {
    }

    /** The sidecar's record of the EMA weights: their file and decay. */
    private record EmaFile(String file, double decay) {
    }

    private static Sidecar readSidecar(Path dir) {
        if (!Files.exists(dir)) {
            throw new CheckpointException("no checkpoint at " + dir + ": create one with fm train --out " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " is a file, not a checkpoint folder: pass the folder that holds "
                    + INFO_FILE);
        }
        Path sidecar = dir.resolve(INFO_FILE);
        if (!Files.exists(sidecar)) {
            throw new CheckpointException(dir + " has no " + INFO_FILE + ": it is not a checkpoint folder (or no"
                    + " save has finished there yet); pass the folder fm train --out wrote");
        }
        String text;
        try {
            if (Files.size(sidecar) > MAX_SIDECAR_BYTES) {
                throw new CheckpointException(sidecar + " is larger than " + MAX_SIDECAR_BYTES + " bytes; it is not a"
                        + " checkpoint sidecar");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(sidecar)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(sidecar + " is not UTF-8 text: the file is corrupt", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + sidecar + ": " + e.getMessage(), e);
        }
        return parseSidecar(text, sidecar.toString());
    }

    /** The largest sidecar read, in bytes (resume state included). */
    static final long MAX_SIDECAR_BYTES = 256L << 20;

    private static byte[] readChecked(Path dir, String name, Map<String, String> hashes) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            throw new CheckpointException(dir + " has " + INFO_FILE + " but not the " + name + " it names: the"
                    + " checkpoint is incomplete; copy the whole folder back or re-run fm train --out " + dir);
        }
        byte[] bytes = Safetensors.readBytes(file);
        String expected = hashes.get(name);
        if (expected != null) {
            String actual = Hashes.sha256Hex(bytes);
            if (!actual.equals(expected)) {
                throw new CheckpointException(file + " does not match the SHA-256 that " + INFO_FILE + " records for it"
                        + " (recorded " + expected.substring(0, 12) + "..., file " + actual.substring(0, 12)
                        + "...): it was modified or damaged after saving; restore the folder or re-run training");
            }
        }
        return bytes;
    }

    /**
     * @param info a checkpoint's info
     * @return its JSON text as a sidecar without files (indented, ending with a newline); what
     *     {@link Writer#save} writes adds the file names and hashes of the generation
     */
    public static String toJson(CheckpointInfo info) {
        return toJson(info, null, null, null, null, Map.of(), null);
    }

    private static String toJson(CheckpointInfo info, String weightsFile, EmaFile ema, String sourceFile,
            String stateFile, Map<String, String> hashes, ObjectNode resume) {
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
        if (weightsFile != null) {
            root.put("weights", weightsFile);
        }
        if (ema != null) {
            ObjectNode e = root.putObject("ema");
            e.put("file", ema.file());
            e.put("decay", ema.decay());
        }
        if (sourceFile != null) {
            root.put("sourceRows", sourceFile);
        }
        if (stateFile != null) {
            ObjectNode r = root.putObject("resume");
            r.put("file", stateFile);
            r.set("state", resume);
        }
        if (!hashes.isEmpty()) {
            ObjectNode sha = root.putObject("sha256");
            hashes.forEach(sha::put);
        }
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
        return parseSidecar(json, source).info;
    }

    private static Sidecar parseSidecar(String json, String source) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(source, "source");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new CheckpointException(source + " is not valid JSON" + where + " (" + Snippets.excerpt(e.getOriginalMessage())
                    + "): the file is corrupt; restore it or re-run training", e);
        }
        JsonFields r = JsonFields.of(source);
        if (root == null || !root.isObject()) {
            throw new CheckpointException(source + " must hold a JSON object, got " + JsonFields.kind(root)
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
            JsonFields rm = r.at("model");
            List<Integer> hidden = new ArrayList<>();
            JsonNode h = rm.array(m, "hidden");
            if (h.size() > MAX_LAYERS) {
                throw r.invalid("model.hidden", "a list of at most " + MAX_LAYERS + " widths",
                        TextNode.valueOf(h.size() + " widths"));
            }
            for (JsonNode w : h) {
                if (!w.isIntegralNumber() || !w.canConvertToInt() || w.intValue() < 1 || w.intValue() > MAX_WIDTH) {
                    throw r.invalid("model.hidden", "a list of widths from 1 to " + MAX_WIDTH, w);
                }
                hidden.add(w.intValue());
            }
            ModelSpec model = new ModelSpec(rm.bounded(m, "dim", 1, MAX_WIDTH), hidden,
                    Activation.parse(id(rm, m, "activation")), TimeEmbedding.parse(id(rm, m, "timeEmbedding")));
            JsonNode o = r.object(root, "optimizer");
            JsonFields ro = r.at("optimizer");
            OptimizerSpec optimizer = new OptimizerSpec(ro.number(o, "learningRate"), ro.number(o, "beta1"),
                    ro.number(o, "beta2"), ro.number(o, "epsilon"), ro.number(o, "weightDecay"),
                    ro.bool(o, "decoupledWeightDecay"), ro.number(o, "maxGradNorm"));
            JsonNode t = r.object(root, "training");
            CheckpointInfo.TrainingSummary training = new CheckpointInfo.TrainingSummary(
                    r.at("training").number(t, "finalLoss"), r.at("training").number(t, "wallSeconds"));
            String createdText = r.text(root, "created", MAX_TEXT);
            Instant created;
            try {
                created = Instant.parse(createdText);
            } catch (DateTimeParseException e) {
                throw r.invalid("created", "an ISO-8601 UTC time such as 2026-01-31T12:00:00Z", root.get("created"));
            }
            int dataDim = r.bounded(root, "dataDim", 1, MAX_WIDTH);
            Normalizer normalization = version >= 2
                    ? Normalizer.fromJson(r.object(root, "normalization"), source)
                    : Normalizer.identity(dataDim);
            CheckpointInfo.HeldOut heldOut = null;
            if (version >= 2 && root.has("heldOut") && !root.get("heldOut").isNull()) {
                JsonNode ho = r.object(root, "heldOut");
                JsonFields rh = r.at("heldOut");
                heldOut = new CheckpointInfo.HeldOut(rh.number(ho, "fraction"), rh.integer(ho, "rows"),
                        rh.integer(ho, "weightsStep"), rh.number(ho, "heldOutLoss"),
                        ho.has("heldOutNll") ? rh.number(ho, "heldOutNll") : null);
            }
            List<String> columns = new ArrayList<>();
            if (version >= 2 && root.has("columns")) {
                JsonNode cols = r.array(root, "columns");
                for (JsonNode c : cols) {
                    if (!c.isTextual()) {
                        throw r.invalid("columns", "a list of column names", cols);
                    }
                    columns.add(c.textValue());
                }
            }
            CheckpointInfo info = new CheckpointInfo(version, model, component(r, root, "path"),
                    component(r, root, "coupling"), dataDim, r.text(root, "data", MAX_TEXT),
                    root.has("source") ? r.text(root, "source", MAX_TEXT) : GaussianSource.NAME,
                    r.longInteger(root, "seed"), r.bounded(root, "steps", 0, Integer.MAX_VALUE),
                    r.bounded(root, "batch", 1, MAX_WIDTH), optimizer, name(r, root, "backend"), training, created,
                    normalization, heldOut, columns);
            return version >= 3 ? files(r, root, info) : legacyFiles(r, root, info);
        } catch (ConfigurationException | IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + Snippets.excerpt(e.getMessage(), 300) + "; the file is damaged",
                    e);
        }
    }

    /** Formats 1-2: the fixed weights file, no hashes. */
    private static Sidecar legacyFiles(JsonFields r, JsonNode root, CheckpointInfo info) {
        if (root.has("weights") && !LEGACY_WEIGHTS_FILE.equals(r.text(root, "weights", MAX_TEXT))) {
            throw r.invalid("weights", "\"" + LEGACY_WEIGHTS_FILE + "\" in format " + info.formatVersion(),
                    root.get("weights"));
        }
        return new Sidecar(info, LEGACY_WEIGHTS_FILE, null, null, null, Map.of(), null);
    }

    /** Format 3: the generation's file names, each with its SHA-256. */
    private static Sidecar files(JsonFields r, JsonNode root, CheckpointInfo info) {
        Map<String, String> hashes = new LinkedHashMap<>();
        JsonNode sha = r.object(root, "sha256");
        for (Iterator<Map.Entry<String, JsonNode>> it = sha.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!GENERATION_FILE.matcher(e.getKey()).matches() || !v.isTextual()
                    || !v.textValue().matches("[0-9a-f]{64}")) {
                throw r.invalid("sha256", "an object mapping the checkpoint's file names to 64 hex digits",
                        TextNode.valueOf("an entry for '" + Snippets.excerpt(e.getKey()) + "'"));
            }
            hashes.put(e.getKey(), v.textValue());
        }
        String weights = file(r, root, "weights", MODEL, hashes);
        String generation = weights.substring(MODEL.length());
        EmaFile ema = null;
        if (root.has("ema")) {
            JsonNode e = r.object(root, "ema");
            JsonFields re = r.at("ema");
            String emaFile = file(re, e, "file", EMA, hashes);
            double decay = re.number(e, "decay");
            try {
                ModelInputs.emaDecay(decay);
            } catch (IllegalArgumentException ex) {
                throw re.invalid("decay", "a decay in [0, 1)", e.get("decay"));
            }
            ema = new EmaFile(emaFile, decay);
        }
        String sourceFile = root.has("sourceRows") ? file(r, root, "sourceRows", SOURCE, hashes) : null;
        String stateFile = null;
        ObjectNode resume = null;
        if (root.has("resume")) {
            JsonNode res = r.object(root, "resume");
            stateFile = file(r.at("resume"), res, "file", STATE, hashes);
            resume = (ObjectNode) r.at("resume").object(res, "state");
        }
        for (String f : new String[] {ema == null ? null : ema.file(), sourceFile, stateFile}) {
            if (f != null && !f.endsWith(generation)) {
                throw r.invalid(f.startsWith(SOURCE) ? "sourceRows" : f.startsWith(EMA) ? "ema.file" : "resume.file",
                        "a file of the weights' generation (" + generation.substring(1) + ")", TextNode.valueOf(f));
            }
        }
        if (hashes.size() != 1 + (ema == null ? 0 : 1) + (sourceFile == null ? 0 : 1) + (stateFile == null ? 0 : 1)) {
            throw r.invalid("sha256", "one hash for each file the checkpoint names", TextNode.valueOf(
                    hashes.size() + " entries"));
        }
        return new Sidecar(info, weights, ema, sourceFile, stateFile, Map.copyOf(hashes), resume);
    }

    /** A plugin name: lower case, digits and {@code .-_}, as the registries name components. */
    private static String name(JsonFields r, JsonNode parent, String key) {
        String s = r.text(parent, key, MAX_TEXT);
        if (!NAME.matcher(s).matches()) {
            throw r.invalid(key, "a component name such as cond-ot (lower case, up to 64 characters)",
                    parent.get(key));
        }
        return s;
    }

    /** An id with an argument, such as {@code silu} or {@code sinusoidal:3}. */
    private static String id(JsonFields r, JsonNode parent, String key) {
        String s = r.text(parent, key, MAX_TEXT);
        if (!ID.matcher(s).matches()) {
            throw r.invalid(key, "an id such as silu or sinusoidal:3 (lower case, up to 64 characters)",
                    parent.get(key));
        }
        return s;
    }

    /** A file of the checkpoint's generation, of the given kind, with a hash. */
    private static String file(JsonFields r, JsonNode parent, String key, String kind, Map<String, String> hashes) {
        String s = r.text(parent, key, MAX_TEXT);
        Matcher m = GENERATION_FILE.matcher(s);
        if (!m.matches() || !m.group(1).equals(kind)) {
            throw r.invalid(key, "a file name such as " + fileName(kind, 1), parent.get(key));
        }
        if (!hashes.containsKey(s)) {
            throw new CheckpointException(r.source() + ": field 'sha256' records no hash for " + s
                    + "; the file is damaged: restore it or re-run training");
        }
        return s;
    }

    /** A path or coupling: its plugin name and string parameters. */
    private static CheckpointInfo.Component component(JsonFields r, JsonNode root, String key) {
        JsonNode c = r.object(root, key);
        String name = name(r.at(key), c, "name");
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = c.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw r.invalid(key + ".params", "an object of strings", p);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual() || e.getValue().textValue().length() > MAX_TEXT
                        || !NAME.matcher(e.getKey()).matches()) {
                    throw r.invalid(key + ".params." + Snippets.excerpt(e.getKey()), "a string", e.getValue());
                }
                params.put(e.getKey(), e.getValue().textValue());
            }
        }
        return new CheckpointInfo.Component(name, params);
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
