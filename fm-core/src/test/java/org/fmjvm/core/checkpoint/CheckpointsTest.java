package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.normalize.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static final ModelSpec SPEC = new ModelSpec(2, List.of(16, 8), Activation.TANH, new TimeEmbedding.Sinusoidal(3));

    private static CheckpointInfo info(ModelSpec spec) {
        Map<String, String> pathParams = new LinkedHashMap<>();
        pathParams.put("sigma-min", "0.001");
        pathParams.put("alpha", "1.5");
        return CheckpointInfo.of(spec, new CheckpointInfo.Component("cond-ot", pathParams),
                CheckpointInfo.Component.named("independent"), "four-gaussians", "moons", 1234567890123L, 5000, 256,
                OptimizerSpec.adam(1e-3).withMaxGradNorm(1.0).withWeightDecay(0.01, true), "djl",
                new CheckpointInfo.TrainingSummary(0.8312345678901234, 61.25), Instant.parse("2026-11-28T10:15:30.123Z"));
    }

    private Path saved() {
        Path dir = tmp.resolve("ckpt");
        Checkpoints.save(dir, info(SPEC), SPEC.initialWeights(Rng.seeded(7)));
        return dir;
    }

    private void editSidecar(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path f = dir.resolve(Checkpoints.INFO_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(f));
        edit.accept(root);
        Files.writeString(f, JSON.writeValueAsString(root));
    }

    /** The weights file the sidecar names. */
    private static Path weightsFile(Path dir) throws IOException {
        return dir.resolve(JSON.readTree(Files.readString(dir.resolve(Checkpoints.INFO_FILE))).get("weights").asText());
    }

    /** Rewrites a saved folder the way format {@code version} (1 or 2) stored it: a fixed weights name, no hashes. */
    private void asLegacy(Path dir, int version) throws IOException {
        Files.move(weightsFile(dir), dir.resolve(Checkpoints.LEGACY_WEIGHTS_FILE));
        editSidecar(dir, root -> {
            root.put("formatVersion", version);
            root.put("weights", Checkpoints.LEGACY_WEIGHTS_FILE);
            root.remove("sha256");
            if (version == 1) {
                root.remove("normalization");
            }
        });
    }

    private static void assertRejected(Path dir, String... fragments) {
        assertThatThrownBy(() -> Checkpoints.load(dir)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments).doesNotContain("\n"));
    }

    @Test
    void saveThenLoadGivesBackTheInfoAndTheWeights() throws IOException {
        ModelWeights w = SPEC.initialWeights(Rng.seeded(7));
        Path dir = saved();
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000001.safetensors", "checkpoint.json",
                CheckpointLock.FILE);
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        assertThat(loaded.info()).isEqualTo(info(SPEC));
        assertThat(loaded.weights()).isEqualTo(w);
        assertThat(loaded.info().path().params().keySet()).containsExactly("sigma-min", "alpha");
        assertThat(Checkpoints.readInfo(dir)).isEqualTo(info(SPEC));
    }

    @Test
    void theSidecarNamesTheModelByItsIds() throws IOException {
        JsonNode root = JSON.readTree(Files.readString(saved().resolve("checkpoint.json")));
        assertThat(root.get("formatVersion").asInt()).isEqualTo(3);
        assertThat(root.get("normalization").get("kind").asText()).isEqualTo("none");
        assertThat(root.has("heldOut")).isFalse();
        assertThat(root.has("columns")).isFalse();
        assertThat(root.get("model").get("activation").asText()).isEqualTo("tanh");
        assertThat(root.get("model").get("timeEmbedding").asText()).isEqualTo("sinusoidal:3");
        assertThat(root.get("model").get("hidden").toString()).isEqualTo("[16,8]");
        assertThat(root.get("optimizer").get("learningRate").asDouble()).isEqualTo(1e-3);
        assertThat(root.get("created").asText()).isEqualTo("2026-11-28T10:15:30.123Z");
        assertThat(root.get("seed").asLong()).isEqualTo(1234567890123L);
        assertThat(root.get("weights").asText()).isEqualTo("model-000001.safetensors");
        assertThat(root.get("sha256").get("model-000001.safetensors").asText())
                .isEqualTo(org.fmjvm.core.io.Hashes.sha256Hex(Files.readAllBytes(weightsFile(saved()))));
    }

    @Test
    void savingAgainReplacesTheCheckpoint() {
        Path dir = saved();
        ModelSpec other = SPEC.withDim(3);
        Checkpoints.save(dir, info(other), other.initialWeights(Rng.seeded(1)));
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        assertThat(loaded.info().model().dim()).isEqualTo(3);
        assertThat(loaded.weights()).isEqualTo(other.initialWeights(Rng.seeded(1)));
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000002.safetensors", "checkpoint.json",
                CheckpointLock.FILE);
    }

    @Test
    void whatAnInterruptedSaveLeavesIsIgnoredByLoadAndRemovedByTheNextSave() throws IOException {
        Path dir = saved();
        ModelWeights first = SPEC.initialWeights(Rng.seeded(7));
        // what a save killed before its commit leaves: a next generation's file and temporaries
        Files.write(dir.resolve("model-000002.safetensors"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(".model-000003.safetensors.0a1b2c3d.tmp"), new byte[] {4});
        Files.write(dir.resolve(".checkpoint.json.0a1b2c3d.tmp"), new byte[] {'{'});
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThat(Checkpoints.load(dir).weights()).isEqualTo(first);
        ModelWeights second = SPEC.initialWeights(Rng.seeded(8));
        Checkpoints.save(dir, info(SPEC), second);
        assertThat(Checkpoints.load(dir).weights()).isEqualTo(second);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000003.safetensors", "checkpoint.json",
                CheckpointLock.FILE, "notes.txt");
    }

    @Test
    void aSecondWriterFailsAtOnceNamingTheHolder() {
        Path dir = saved();
        try (Checkpoints.Writer w = Checkpoints.open(dir, "fm train")) {
            assertThatThrownBy(() -> Checkpoints.save(dir, info(SPEC), SPEC.initialWeights(Rng.seeded(2))))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(dir + " is already being written by this process");
            w.save(info(SPEC), SPEC.initialWeights(Rng.seeded(3)), null, null);
        }
        assertThat(Checkpoints.load(dir).weights()).isEqualTo(SPEC.initialWeights(Rng.seeded(3)));
        Checkpoints.save(dir, info(SPEC), SPEC.initialWeights(Rng.seeded(4))); // released on close
    }

    @Test
    void aReaderDuringRepeatedSavesAlwaysGetsOneCompleteCheckpoint() throws Exception {
        Path dir = saved();
        ModelWeights a = SPEC.initialWeights(Rng.seeded(7));
        ModelWeights b = SPEC.initialWeights(Rng.seeded(8));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Checkpoints.Writer w = Checkpoints.open(dir, "test")) {
                for (int i = 0; !stop.get(); i++) {
                    w.save(info(SPEC), i % 2 == 0 ? b : a, null, null);
                }
            }
        });
        writer.start();
        int loads = 0;
        try {
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                ModelWeights got = Checkpoints.load(dir).weights();
                assertThat(got.equals(a) || got.equals(b)).as("load %d returned A or B", loads).isTrue();
                loads++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(loads).isPositive();
    }

    @Test
    void sourceRowsAndResumeStateTravelInsideTheCheckpoint() throws IOException {
        Path dir = tmp.resolve("with-extras");
        float[] rows = {1f, 2f, 3f, 4f, 5f, 6f};
        ObjectNode state = JSON.createObjectNode().put("step", 40).put("loss", 0.1 + 0.2);
        ModelWeights tensors = new ModelWeights(List.of(new ModelWeights.Parameter("optimizer.m.x", new int[] {2},
                new float[] {0.5f, -0.25f})));
        CheckpointInfo info = CheckpointInfo.of(SPEC, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "data.csv", "/somewhere/source.csv", 1, 40, 8,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(1, 1), Instant.EPOCH);
        try (Checkpoints.Writer w = Checkpoints.open(dir, "test")) {
            w.save(info, SPEC.initialWeights(Rng.seeded(1)), new Checkpoints.SourceRows(rows, 2),
                    new Checkpoints.Resume(state, tensors));
        }
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        assertThat(loaded.sourceRows().rows()).containsExactly(rows);
        assertThat(((org.fmjvm.core.data.EmpiricalDataset) loaded.source()).points()).containsExactly(rows);
        assertThat(loaded.resume().json()).isEqualTo(state);
        assertThat(loaded.resume().tensors()).isEqualTo(tensors);
        assertThat(loaded.notices()).isEmpty();
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000001.safetensors",
                "source-000001.safetensors", "state-000001.safetensors", "checkpoint.json", CheckpointLock.FILE);
        // a later save without them removes their files
        try (Checkpoints.Writer w = Checkpoints.open(dir, "test")) {
            w.save(info, SPEC.initialWeights(Rng.seeded(1)), new Checkpoints.SourceRows(rows, 2), null);
        }
        assertThat(Checkpoints.load(dir).resume()).isNull();
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000002.safetensors",
                "source-000002.safetensors", "checkpoint.json", CheckpointLock.FILE);
        // a sidecar naming a source path without stored rows never reads the path
        editSidecar(dir, root -> {
            root.remove("sourceRows");
            ((ObjectNode) root.get("sha256")).remove("source-000002.safetensors");
            root.put("source", "/etc/passwd");
        });
        assertThatThrownBy(() -> Checkpoints.load(dir).source()).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("names source '/etc/passwd', which is neither a known data set (built in or"
                        + " from a plugin on the class path) nor stored in the checkpoint");
    }

    @Test
    void emaWeightsTravelInTheirOwnHashedGenerationFileWithTheirDecay() throws IOException {
        Path dir = tmp.resolve("with-ema");
        ModelWeights w = SPEC.initialWeights(Rng.seeded(1));
        ModelWeights e = SPEC.initialWeights(Rng.seeded(2));
        ObjectNode state = JSON.createObjectNode().put("step", 40);
        ModelWeights tensors = new ModelWeights(List.of(new ModelWeights.Parameter("ema.x", new int[] {1},
                new float[] {0.5f})));
        try (Checkpoints.Writer writer = Checkpoints.open(dir, "test")) {
            writer.save(info(SPEC), w, new Checkpoints.EmaWeights(0.999, e), null, new Checkpoints.Resume(state,
                    tensors));
        }
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000001.safetensors", "ema-000001.safetensors",
                "state-000001.safetensors", "checkpoint.json", CheckpointLock.FILE);
        JsonNode sidecar = JSON.readTree(Files.readString(dir.resolve(Checkpoints.INFO_FILE)));
        assertThat(sidecar.at("/ema/file").textValue()).isEqualTo("ema-000001.safetensors");
        assertThat(sidecar.at("/ema/decay").doubleValue()).isEqualTo(0.999);
        assertThat(sidecar.at("/sha256/ema-000001.safetensors").textValue())
                .isEqualTo(org.fmjvm.core.io.Hashes.sha256Hex(dir.resolve("ema-000001.safetensors")));

        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        assertThat(loaded.weights()).isEqualTo(w);
        assertThat(loaded.emaWeights()).contains(e);
        assertThat(loaded.ema().decay()).isEqualTo(0.999);
        assertThat(loaded.defaultWeights()).isEqualTo(Checkpoints.WeightsKind.EMA);
        assertThat(loaded.samplingWeights()).isEqualTo(e).isNotEqualTo(w);
        assertThat(loaded.weights(Checkpoints.WeightsKind.FINAL)).isEqualTo(w);
        assertThat(loaded.describe(Checkpoints.WeightsKind.EMA)).isEqualTo("EMA weights (decay 0.999)");
        assertThat(loaded.describe(Checkpoints.WeightsKind.FINAL)).isEqualTo("final weights (not the EMA)");
        assertThat(loaded.resume().tensors()).isEqualTo(tensors);

        // damage to the EMA file is caught like damage to the weights
        Path emaFile = dir.resolve("ema-000001.safetensors");
        byte[] bytes = Files.readAllBytes(emaFile);
        bytes[bytes.length - 1] ^= 1;
        Files.write(emaFile, bytes);
        assertRejected(dir, emaFile + " does not match the SHA-256 that checkpoint.json records for it");
        Files.delete(emaFile);
        assertRejected(dir, "has checkpoint.json but not the ema-000001.safetensors it names");

        // a later save without EMA weights removes their file; asking for them then is refused in one line
        Checkpoints.save(dir, info(SPEC), w);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model-000002.safetensors", "checkpoint.json",
                CheckpointLock.FILE);
        Checkpoints.Loaded plain = Checkpoints.load(dir);
        assertThat(plain.emaWeights()).isEmpty();
        assertThat(plain.defaultWeights()).isEqualTo(Checkpoints.WeightsKind.FINAL);
        assertThat(plain.samplingWeights()).isEqualTo(w);
        assertThat(plain.describe(Checkpoints.WeightsKind.FINAL)).isEqualTo("final weights");
        assertThatThrownBy(() -> plain.weights(Checkpoints.WeightsKind.EMA)).isInstanceOf(ConfigurationException.class)
                .hasMessage("the checkpoint " + dir + " holds no EMA weights (it was trained without --ema); use"
                        + " --weights final, or train with --ema 0.999 to get them");
    }

    @Test
    void theSidecarsEmaRecordIsChecked() throws IOException {
        Path dir = tmp.resolve("ema-edits");
        java.util.function.Supplier<Path> fresh = () -> {
            Checkpoints.save(dir, info(SPEC), SPEC.initialWeights(Rng.seeded(1)),
                    new Checkpoints.EmaWeights(0.9, SPEC.initialWeights(Rng.seeded(2))));
            return dir;
        };
        editSidecar(fresh.get(), root -> ((ObjectNode) root.get("ema")).put("decay", 1.0));
        assertRejected(dir, "field 'ema.decay' must be a decay in [0, 1), got 1.0");
        editSidecar(fresh.get(), root -> ((ObjectNode) root.get("ema")).put("file", "model-000002.safetensors"));
        assertRejected(dir, "field 'ema.file' must be a file name such as ema-000001.safetensors");
        editSidecar(fresh.get(), root -> root.remove("ema"));
        assertRejected(dir, "field 'sha256' must be one hash for each file the checkpoint names");
        editSidecar(fresh.get(), root -> ((ObjectNode) root.get("ema")).remove("decay"));
        assertRejected(dir, "no field 'ema.decay'");
        // an EMA file of another generation
        fresh.get();
        String current = JSON.readTree(Files.readString(dir.resolve(Checkpoints.INFO_FILE))).at("/ema/file").asText();
        Files.copy(dir.resolve(current), dir.resolve("ema-000001.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        editSidecar(dir, root -> {
            ((ObjectNode) root.get("ema")).put("file", "ema-000001.safetensors");
            ObjectNode sha = (ObjectNode) root.get("sha256");
            sha.set("ema-000001.safetensors", sha.remove(current));
        });
        assertRejected(dir, "field 'ema.file' must be a file of the weights' generation");
        // EMA weights that do not fit the model are not saved
        ModelWeights other = new ModelSpec(2, List.of(16, 9), Activation.TANH, new TimeEmbedding.Sinusoidal(3))
                .initialWeights(Rng.seeded(3));
        assertThatThrownBy(() -> Checkpoints.save(tmp.resolve("misfit"), info(SPEC), SPEC.initialWeights(Rng.seeded(1)),
                new Checkpoints.EmaWeights(0.9, other))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("the weights do not match");
        assertThat(Files.exists(tmp.resolve("misfit"))).isFalse();
        assertThat(Checkpoints.WeightsKind.parse(" EMA ", "--weights")).isEqualTo(Checkpoints.WeightsKind.EMA);
        assertThatThrownBy(() -> Checkpoints.WeightsKind.parse("best", "--weights"))
                .isInstanceOf(ConfigurationException.class).hasMessage("--weights must be ema or final, got 'best'");
    }

    @Test
    void changedBytesInAnyFileAreCaughtByTheHash() throws IOException {
        Path dir = saved();
        Path w = weightsFile(dir);
        byte[] bytes = Files.readAllBytes(w);
        bytes[bytes.length - 1] ^= 1; // a data byte: the layout stays valid, one weight changes
        Files.write(w, bytes);
        assertRejected(dir, w + " does not match the SHA-256 that checkpoint.json records for it",
                "restore the folder or re-run training");
    }

    @Test
    void theSidecarMayNameOnlyItsOwnGenerationFiles() throws IOException {
        for (String bad : new String[] {"../model-000001.safetensors", "/etc/passwd", "model.safetensors",
            "state-000001.safetensors"}) {
            Path dir = saved();
            editSidecar(dir, root -> root.put("weights", bad));
            assertRejected(dir, "field 'weights' must be a file name such as model-000001.safetensors");
        }
        Path dir = saved();
        editSidecar(dir, root -> root.remove("sha256"));
        assertRejected(dir, "has no field 'sha256'");
        dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("sha256")).put("model-000001.safetensors", "abc"));
        assertRejected(dir, "field 'sha256' must be an object mapping");
    }

    @Test
    void hugeOrUnknownSizesInTheSidecarAreRejectedBeforeAnythingIsAllocated() throws IOException {
        Path dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).putArray("hidden").add(1_000_000_000).add(256));
        assertRejected(dir, "field 'model.hidden' must be a list of widths from 1 to 16777216, got 1000000000");
        dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).putArray("hidden").add(1 << 24).add(1 << 24));
        assertRejected(dir, "hidden widths [16777216, 16777216] are too large", "the file is damaged");
        dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).put("timeEmbedding", "x".repeat(500)));
        assertRejected(dir, "field 'model.timeEmbedding' must be an id such as silu");
        dir = saved();
        editSidecar(dir, root -> root.put("batch", 0));
        assertRejected(dir, "field 'batch' must be an integer from 1 to 16777216, got 0");
        dir = saved();
        editSidecar(dir, root -> root.put("backend", "../../x"));
        assertRejected(dir, "field 'backend' must be a component name");
        dir = saved();
        editSidecar(dir, root -> root.put("data", "x".repeat(5000)));
        assertRejected(dir, "field 'data' must be a string of up to 4096 characters");
    }

    @Test
    void weightsThatDoNotFitTheModelAreNotSaved() {
        ModelWeights wrong = SPEC.withDim(3).initialWeights(Rng.seeded(1));
        assertThatThrownBy(() -> Checkpoints.save(tmp.resolve("c"), info(SPEC), wrong))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("weights do not match");
        assertThat(Files.exists(tmp.resolve("c"))).isFalse();
    }

    @Test
    void aMissingDirectoryTellsHowToCreateOne() {
        Path dir = tmp.resolve("nothing-here");
        assertRejected(dir, "no checkpoint at " + dir + ": create one with fm train --out " + dir);
    }

    @Test
    void aFileInsteadOfAFolderIsExplained() throws IOException {
        Path dir = saved();
        assertRejected(weightsFile(dir), "is a file, not a checkpoint folder");
    }

    @Test
    void aMissingSidecarIsExplained() throws IOException {
        Path dir = saved();
        Files.delete(dir.resolve("checkpoint.json"));
        assertRejected(dir, dir + " has no checkpoint.json");
    }

    @Test
    void corruptSidecarJsonIsExplained() throws IOException {
        Path dir = saved();
        Path f = dir.resolve("checkpoint.json");
        String text = Files.readString(f);
        Files.writeString(f, text.substring(0, text.length() / 2));
        assertRejected(dir, f + " is not valid JSON", "line");
        Files.writeString(f, "[1, 2]");
        assertRejected(dir, f + " must hold a JSON object");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        Path dir = saved();
        editSidecar(dir, root -> root.remove("seed"));
        assertRejected(dir, "has no field 'seed'");
        dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).remove("hidden"));
        assertRejected(dir, "has no field 'model.hidden'");
        dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("optimizer")).put("beta1", "high"));
        assertRejected(dir, "field 'optimizer.beta1' must be a number, got \"high\"");
    }

    @Test
    void anUnsupportedVersionIsRejected() throws IOException {
        Path dir = saved();
        editSidecar(dir, root -> root.put("formatVersion", 4));
        assertRejected(dir, "format version 4", "reads versions 1 to 3", "upgrade");
    }

    @Test
    void invalidValuesInTheSidecarNameTheFile() throws IOException {
        Path dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).put("activation", "sigmoid"));
        assertRejected(dir, dir.resolve("checkpoint.json") + ": Unknown activation 'sigmoid'");
        dir = saved();
        editSidecar(dir, root -> root.put("dataDim", 5));
        assertRejected(dir, "data dimension 5 differs from the 2 columns of the normalisation");
        dir = saved();
        editSidecar(dir, root -> root.put("created", "yesterday"));
        assertRejected(dir, "field 'created' must be an ISO-8601");
    }

    @Test
    void aVersionOneSidecarLoadsAsARunWithoutNormalisation() throws IOException {
        Path dir = saved();
        asLegacy(dir, 1);
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        CheckpointInfo info = loaded.info();
        assertThat(loaded.weights()).isEqualTo(SPEC.initialWeights(Rng.seeded(7)));
        assertThat(loaded.notices()).containsExactly(dir + ": this format 1 checkpoint records no SHA-256 of its"
                + " weights, so damage to them cannot be detected; re-train to get a checked checkpoint");
        assertThat(info.formatVersion()).isEqualTo(1);
        assertThat(info.normalization()).isEqualTo(Normalizer.identity(2));
        assertThat(info.heldOut()).isNull();
        assertThat(info.columns()).isEmpty();
    }

    @Test
    void aTableRunKeepsItsNormalisationHeldOutRowsAndColumnNames() throws IOException {
        // three columns, the middle one constant: the model sees two coordinates
        float[] rows = {1f, 7f, 100f, 2f, 7f, 300f, 4f, 7f, 200f, 3f, 7f, 900f};
        Normalizer n = Normalizer.fit(Normalizer.Kind.QUANTILE, rows, 4, 3, Set.of(0));
        CheckpointInfo.HeldOut held = new CheckpointInfo.HeldOut(0.2, 1, 40, 1.25, 3.5);
        CheckpointInfo info = info(SPEC).withTable(n, held, List.of("a", "b", "c"));
        assertThat(info.dataDim()).isEqualTo(3);
        Path dir = tmp.resolve("table");
        Checkpoints.save(dir, info, SPEC.initialWeights(Rng.seeded(7)));
        CheckpointInfo back = Checkpoints.load(dir).info();
        assertThat(back).isEqualTo(info);
        assertThat(back.normalization().transform(rows, 4)).containsExactly(n.transform(rows, 4));
        editSidecar(dir, root -> ((ObjectNode) root.get("normalization")).put("kind", "robust"));
        assertRejected(dir, dir.resolve("checkpoint.json").toString(), "normalization");
        assertThatThrownBy(() -> info(SPEC).withTable(n, held, List.of("a", "b")))
                .isInstanceOf(org.fmjvm.api.error.ConfigurationException.class)
                .hasMessageContaining("2 column names for data of dimension 3");
        assertThatThrownBy(() -> info(SPEC).withTable(Normalizer.identity(3), held, List.of()))
                .isInstanceOf(org.fmjvm.api.error.ConfigurationException.class)
                .hasMessageContaining("the model's dimension 2 differs from the 3 coordinates");
    }

    @Test
    void missingOrCorruptWeightsAreExplained() throws IOException {
        Path dir = saved();
        asLegacy(dir, 2); // no hash: the safetensors checks see the damage
        Path w = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(bytes, bytes.length - 10));
        assertRejected(dir, w.toString(), "truncated");
        Files.delete(w);
        assertRejected(dir, "has checkpoint.json but not the model.safetensors it names");
    }

    @Test
    void weightsThatDoNotMatchTheRecordedModelAreNamed() throws IOException {
        Path dir = saved();
        editSidecar(dir, root -> ((ObjectNode) root.get("model")).putArray("hidden").add(16).add(9));
        assertRejected(dir, weightsFile(dir) + " holds 314 values but the model in checkpoint.json",
                "has 333 parameters; the files do not belong together");
    }

    @Test
    void weightsWrittenInAnotherOrderAreReorderedToTheSpec() throws IOException {
        Path dir = saved();
        ModelWeights w = SPEC.initialWeights(Rng.seeded(7));
        List<ModelWeights.Parameter> shuffled = new ArrayList<>(w.parameters());
        Collections.reverse(shuffled);
        Path file = weightsFile(dir);
        String hash = Safetensors.write(file, new ModelWeights(shuffled), Map.of());
        editSidecar(dir, root -> ((ObjectNode) root.get("sha256")).put(file.getFileName().toString(), hash));
        assertThat(Checkpoints.load(dir).weights()).isEqualTo(w);
    }

    @Test
    void aSidecarWithoutASourceMeansTheStandardNormalSource() throws IOException {
        Path dir = saved();
        Path sidecar = dir.resolve(Checkpoints.INFO_FILE);
        String json = Files.readString(sidecar);
        assertThat(json).contains("\"source\" : \"moons\"");
        Files.writeString(sidecar, json.replaceAll("\\s*\"source\" : \"moons\",", ""));
        assertThat(Checkpoints.load(dir).info().source()).isEqualTo("standard-normal");
    }

    @Test
    void infoValidatesItsFields() {
        assertThatThrownBy(() -> new CheckpointInfo(1, SPEC, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), 3, "moons", "standard-normal", 0, 10, 0, OptimizerSpec.adam(1e-3), "djl",
                new CheckpointInfo.TrainingSummary(1, 1), Instant.EPOCH)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new CheckpointInfo.TrainingSummary(Double.NaN, 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("final loss");
    }
}
