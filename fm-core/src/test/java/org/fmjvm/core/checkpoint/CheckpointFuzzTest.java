package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.normalize.Normalizer;

/**
 * Damages a saved checkpoint folder at random and checks the loader's contract: {@link Checkpoints#load}
 * either throws a {@link CheckpointException} whose message is short and quotes no more than a few
 * words of any file, or returns weights and EMA weights bitwise identical to the saved ones. Any
 * other exception, any changed weight and lost EMA weights are failures: damage to the weights or EMA
 * file must be caught (by the format's rules or the recorded SHA-256), and a damaged sidecar must
 * never load other weights.
 *
 * <p>The weights and EMA files are found through the sidecar's {@code weights} and {@code ema.file}
 * fields, so the test follows the folder layout as {@link Checkpoints} defines it. Seeds are fixed
 * so a run is reproducible.
 */
class CheckpointFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelSpec SPEC = new ModelSpec(2, List.of(8, 6), Activation.TANH,
            new TimeEmbedding.Sinusoidal(3));
    private static final String SENTINEL = "SENTINEL-" + "0123456789abcdefghijklmnopqrstuvwxyz".repeat(10);
    /** The sentinel's last 100 characters: a message that holds them has quoted the file at length. */
    private static final String SENTINEL_TAIL = SENTINEL.substring(SENTINEL.length() - 100);

    private static Path tempDir;
    private static ModelWeights saved;
    private static ModelWeights savedEma;
    /** The saved folder's files by name. */
    private static final Map<String, byte[]> FILES = new TreeMap<>();
    private static String weightsFile;
    private static String emaFile;

    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private int tryNumber;

    /** A structural edit of the sidecar's JSON tree. */
    enum SidecarEdit { REPLACE_VALUE, DELETE_FIELD, ADD_UNKNOWN_FIELD }

    @BeforeContainer
    static void saveOriginal() throws IOException {
        tempDir = Files.createTempDirectory("checkpoint-fuzz");
        float[] rows = {1f, 7f, 100f, 2f, 7f, 300f, 4f, 7f, 200f, 3f, 7f, 900f};
        Normalizer n = Normalizer.fit(Normalizer.Kind.QUANTILE, rows, 4, 3, Set.of(0));
        Map<String, String> pathParams = new LinkedHashMap<>();
        pathParams.put("sigma-min", "0.001");
        CheckpointInfo info = CheckpointInfo.of(SPEC, new CheckpointInfo.Component("cond-ot", pathParams),
                CheckpointInfo.Component.named("independent"), "table.csv", "standard-normal", 42L, 500, 64,
                OptimizerSpec.adam(1e-3).withMaxGradNorm(1.0), "djl", new CheckpointInfo.TrainingSummary(0.83, 6.5),
                Instant.parse("2026-11-28T10:15:30Z"))
                .withTable(n, new CheckpointInfo.HeldOut(0.2, 1, 40, 1.25, 3.5), List.of("a", "b", "c"));
        saved = SPEC.initialWeights(Rng.seeded(11));
        savedEma = SPEC.initialWeights(Rng.seeded(12));
        Path dir = tempDir.resolve("original");
        Checkpoints.save(dir, info, saved, new Checkpoints.EmaWeights(0.999, savedEma));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                FILES.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        JsonNode sidecar = JSON.readTree(FILES.get(Checkpoints.INFO_FILE));
        weightsFile = sidecar.get("weights").textValue();
        emaFile = sidecar.at("/ema/file").textValue();
        assertThat(FILES).containsKey(weightsFile).containsKey(emaFile);
        assertThat(Checkpoints.load(dir).weights()).isEqualTo(saved); // the undamaged folder loads
        assertThat(Checkpoints.load(dir).emaWeights()).contains(savedEma);
    }

    @AfterContainer
    static void deleteAll() throws IOException {
        try (Stream<Path> files = Files.walk(tempDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = 1200, seed = "7401")
    void damagedWeightsFileIsRejectedOrLoadsIdentically(@ForAll FileMutations.Kind kind, @ForAll Random random)
            throws IOException {
        byte[] original = FILES.get(weightsFile);
        int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(original, 0, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] damaged = FileMutations.apply(original, kind, 0, headerEnd + 8, random).bytes();
        check("weights " + kind, "weights " + kind, Map.of(weightsFile, damaged));
    }

    @Property(tries = 600, seed = "7404")
    void damagedEmaFileIsRejectedOrLoadsIdentically(@ForAll FileMutations.Kind kind, @ForAll Random random)
            throws IOException {
        byte[] original = FILES.get(emaFile);
        int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(original, 0, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] damaged = FileMutations.apply(original, kind, 0, headerEnd + 8, random).bytes();
        check("ema " + kind, "ema " + kind, Map.of(emaFile, damaged));
    }

    @Property(tries = 1200, seed = "7402")
    void damagedSidecarBytesAreRejectedOrLoadIdentically(@ForAll FileMutations.Kind kind, @ForAll Random random)
            throws IOException {
        byte[] original = FILES.get(Checkpoints.INFO_FILE);
        byte[] damaged = FileMutations.apply(original, kind, 0, original.length, random).bytes();
        check("sidecar " + kind, "sidecar " + kind, Map.of(Checkpoints.INFO_FILE, damaged));
    }

    @Property(tries = 1600, seed = "7403")
    void editedSidecarFieldsAreRejectedOrLoadIdentically(@ForAll SidecarEdit edit, @ForAll Random random)
            throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(FILES.get(Checkpoints.INFO_FILE));
        String field = editSidecar(root, edit, random);
        check(edit.name(), edit + " of " + field, Map.of(Checkpoints.INFO_FILE, JSON.writeValueAsBytes(root)));
    }

    @AfterProperty
    void printSummary() {
        Map<String, Integer> total = new TreeMap<>();
        counts.values().forEach(byKind -> byKind.forEach((k, v) -> total.merge(k, v, Integer::sum)));
        int tries = total.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("CheckpointFuzzTest summary: " + tries + " tries, " + total + "; by mutation: " + counts);
        counts.clear();
    }

    /**
     * Writes the saved folder with some files replaced, loads it and checks the contract.
     *
     * @param kind the mutation's kind, for the statistics
     * @param what the mutation in detail, for failure messages
     * @param replaced the damaged files by name
     */
    private void check(String kind, String what, Map<String, byte[]> replaced) throws IOException {
        Path dir = tempDir.resolve("try-" + tryNumber++);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
            Files.write(dir.resolve(f.getKey()), replaced.getOrDefault(f.getKey(), f.getValue()));
        }
        try {
            Checkpoints.Loaded loaded = Checkpoints.load(dir);
            assertIdentical(what, saved, loaded.weights());
            assertThat(loaded.emaWeights()).as("EMA weights after %s", what).isPresent();
            assertIdentical(what + " (EMA weights)", savedEma, loaded.emaWeights().orElseThrow());
            record(kind, "LOADED_IDENTICAL");
        } catch (CheckpointException e) {
            String m = String.valueOf(e.getMessage());
            assertThat(m).as("message after %s", what).hasSizeLessThan(1000).doesNotContain(SENTINEL_TAIL);
            for (Map.Entry<String, byte[]> f : replaced.entrySet()) {
                assertQuotesLittleOf(what, m, new String(f.getValue(), StandardCharsets.ISO_8859_1));
            }
            record(kind, "REJECTED");
        } catch (RuntimeException e) {
            record(kind, "VIOLATION " + e.getClass().getSimpleName());
            throw new AssertionError(what + " made Checkpoints.load throw " + e + " instead of a CheckpointException",
                    e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void assertIdentical(String what, ModelWeights want, ModelWeights got) {
        assertThat(got.names()).as("names after %s", what).isEqualTo(want.names());
        for (int i = 0; i < want.parameters().size(); i++) {
            ModelWeights.Parameter a = want.parameters().get(i);
            ModelWeights.Parameter b = got.parameters().get(i);
            assertThat(b.shape()).as("shape of %s after %s", a.name(), what).isEqualTo(a.shape());
            float[] x = a.values();
            float[] y = b.values();
            for (int k = 0; k < x.length; k++) {
                if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) {
                    fail("%s loaded changed weights: %s[%d] is %08x, saved %08x", what, a.name(), k,
                            Float.floatToRawIntBits(y[k]), Float.floatToRawIntBits(x[k]));
                }
            }
        }
    }

    /** Fails if the message holds any 200-character stretch of the file's text. */
    private static void assertQuotesLittleOf(String what, String message, String fileText) {
        for (int i = 0; i + 200 <= message.length(); i++) {
            if (fileText.contains(message.substring(i, i + 200))) {
                fail("after %s the message quotes 200+ characters of the file: %s", what, message);
            }
        }
    }

    private void record(String kind, String outcome) {
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome by mutation").collect(kind, outcome);
        counts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    /**
     * Edits a random place of the sidecar's tree.
     *
     * @return the edited field's path, e.g. {@code model.hidden[1]}
     */
    private static String editSidecar(ObjectNode root, SidecarEdit edit, Random random) {
        List<Object[]> places = new ArrayList<>(); // {parent, key or index, path}
        collect(root, "", places);
        if (edit == SidecarEdit.ADD_UNKNOWN_FIELD) {
            List<Object[]> objects = new ArrayList<>();
            objects.add(new Object[] {root, null, "(root)"});
            for (Object[] p : places) {
                JsonNode v = child((JsonNode) p[0], p[1]);
                if (v.isObject()) {
                    objects.add(new Object[] {v, null, p[2]});
                }
            }
            Object[] target = objects.get(random.nextInt(objects.size()));
            ((ObjectNode) target[0]).set("unknownField" + random.nextInt(100), randomValue(random));
            return target[2] + ".unknownField";
        }
        Object[] place = places.get(random.nextInt(places.size()));
        JsonNode parent = (JsonNode) place[0];
        if (edit == SidecarEdit.DELETE_FIELD) {
            if (parent instanceof ObjectNode o) {
                o.remove((String) place[1]);
            } else {
                ((ArrayNode) parent).remove((int) place[1]);
            }
        } else if (parent instanceof ObjectNode o) {
            o.set((String) place[1], randomValue(random));
        } else {
            ((ArrayNode) parent).set((int) place[1], randomValue(random));
        }
        return (String) place[2];
    }

    private static void collect(JsonNode node, String path, List<Object[]> out) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                String p = path.isEmpty() ? k : path + "." + k;
                out.add(new Object[] {node, k, p});
                collect(node.get(k), p, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = path + "[" + i + "]";
                out.add(new Object[] {node, i, p});
                collect(node.get(i), p, out);
            }
        }
    }

    private static JsonNode child(JsonNode parent, Object key) {
        return key instanceof String s ? parent.get(s) : parent.get((int) key);
    }

    /** Wrong types, extreme numbers, empty, long and path-like strings, null and nesting. */
    private static JsonNode randomValue(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode nested = f.objectNode();
        nested.putObject("a").putArray("b").add(1).add("two");
        JsonNode[] values = {f.booleanNode(true), f.arrayNode(), f.objectNode(), f.textNode("text"),
            f.numberNode(1e300), f.numberNode(-1), f.numberNode(0), f.numberNode(2147483648L), f.numberNode(0.5),
            f.textNode(""), f.textNode("x".repeat(5000)), f.textNode("/etc/passwd"), f.textNode("../x"),
            f.nullNode(), nested, f.textNode(SENTINEL), f.textNode(weightsFile), f.textNode(emaFile),
            f.textNode("checkpoint.json")};
        return values[random.nextInt(values.length)];
    }
}
