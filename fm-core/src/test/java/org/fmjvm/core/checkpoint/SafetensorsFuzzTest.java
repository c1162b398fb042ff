package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
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
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.random.Rng;

/**
 * Damages valid safetensors files at random and checks the reader's contract: {@link Safetensors#parse}
 * either throws a {@link CheckpointException} or returns the original tensors (same names, shapes and
 * bits), where a value may differ only if one of its own four data bytes was overwritten in place.
 * A structural change (shifted, resized or re-described data) must never load.
 *
 * <p>The one allowed exception: an in-place change to the bytes of a tensor's name in the header
 * loads that tensor under the new name (the format has no checksum;
 * {@link Checkpoints#load} rejects it because the names no longer match the model).
 *
 * <p>Seeds are fixed so a run is reproducible; change them to explore other cases.
 */
class SafetensorsFuzzTest {

    private static final int ORIGINALS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The originals, written by {@link Safetensors#write} once for the whole class. */
    private static final List<Original> ORIGINAL_FILES = new ArrayList<>();
    private static Path tempDir;

    /** Outcome counts of the current property, by mutation kind. */
    private final Map<String, Map<Outcome, Integer>> counts = new TreeMap<>();

    enum Outcome { LOADED_IDENTICAL, LOADED_DATA_BYTES_CHANGED, LOADED_RENAMED, REJECTED }

    /** A structural edit of the header's JSON, re-encoded with a correct length field. */
    enum JsonEdit { DATA_OFFSET, SHAPE_ENTRY, DTYPE, DUPLICATE_KEY, ADD_TENSOR }

    /**
     * A valid file and where its parts are.
     *
     * @param weights what was written
     * @param bytes the file
     * @param headerLength {@code N}, the header's byte length
     * @param begin each tensor's first data byte, relative to the data region
     * @param namePositions file offsets of each tensor name's characters in the header
     */
    record Original(ModelWeights weights, byte[] bytes, int headerLength, Map<String, Long> begin,
            Map<String, int[]> namePositions) {
        int dataStart() {
            return 8 + headerLength;
        }

        long dataLength() {
            return bytes.length - (long) dataStart();
        }
    }

    @BeforeContainer
    static void writeOriginals() throws IOException {
        tempDir = Files.createTempDirectory("safetensors-fuzz");
        for (int i = 0; i < ORIGINALS; i++) {
            ModelWeights w = randomWeights(Rng.seeded(9000 + i));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            if (i % 3 == 0) {
                meta.put("note", "fuzz original " + i);
            }
            Path f = tempDir.resolve("original-" + i + ".safetensors");
            Safetensors.write(f, w, i % 5 == 0 ? Map.of() : meta);
            ORIGINAL_FILES.add(describe(w, Files.readAllBytes(f)));
        }
    }

    @AfterContainer
    static void deleteOriginals() throws IOException {
        try (Stream<Path> files = Files.walk(tempDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One to four tensors named like a PyTorch MLP's, of rank 1 or 2, with arbitrary float bits. */
    static ModelWeights randomWeights(Rng rng) {
        List<ModelWeights.Parameter> ps = new ArrayList<>();
        int layers = 1 + rng.nextInt(4);
        for (int i = 0; i < layers; i++) {
            boolean bias = i % 2 == 1;
            int[] shape = bias ? new int[] {1 + rng.nextInt(6)} : new int[] {1 + rng.nextInt(6), 1 + rng.nextInt(6)};
            float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int k = 0; k < v.length; k++) {
                v[k] = Float.intBitsToFloat((int) rng.nextLong()); // NaN payloads and -0 included
            }
            ps.add(new ModelWeights.Parameter("net." + (i / 2) * 2 + (bias ? ".bias" : ".weight"), shape, v));
        }
        return new ModelWeights(ps);
    }

    private static Original describe(ModelWeights w, byte[] bytes) {
        int n = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, n, StandardCharsets.US_ASCII); // the writer's names are ASCII
        Map<String, Long> begin = new HashMap<>();
        Map<String, int[]> names = new HashMap<>();
        long offset = 0;
        for (ModelWeights.Parameter p : w.parameters()) {
            begin.put(p.name(), offset);
            offset += 4L * p.size();
            int at = header.indexOf("\"" + p.name() + "\":");
            assertThat(at).as("name %s in the header", p.name()).isNotNegative();
            int[] pos = new int[p.name().length()];
            for (int k = 0; k < pos.length; k++) {
                pos[k] = 8 + at + 1 + k;
            }
            names.put(p.name(), pos);
        }
        return new Original(w, bytes, n, begin, names);
    }

    @Property(tries = 4000, seed = "7301")
    void byteDamageIsRejectedOrChangesOnlyTheDamagedValues(@ForAll @IntRange(max = ORIGINALS - 1) int which,
            @ForAll FileMutations.Kind kind, @ForAll Random random) {
        Original o = ORIGINAL_FILES.get(which);
        // half of the damage lands in the header, the length field or the first data bytes
        FileMutations.Mutated m = FileMutations.apply(o.bytes(), kind, 0, o.dataStart() + 8, random);
        check(o, kind.name(), m.bytes(), m.changedInPlace());
    }

    @Property(tries = 2500, seed = "7302")
    void structuralHeaderEditsAreRejected(@ForAll @IntRange(max = ORIGINALS - 1) int which,
            @ForAll JsonEdit edit, @ForAll Random random) {
        Original o = ORIGINAL_FILES.get(which);
        byte[] mutated = editHeader(o, edit, random);
        check(o, edit.name(), mutated, Set.of());
    }

    @AfterProperty
    void printSummary() {
        Map<Outcome, Integer> total = new TreeMap<>();
        counts.values().forEach(byKind -> byKind.forEach((k, v) -> total.merge(k, v, Integer::sum)));
        int tries = total.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("SafetensorsFuzzTest summary: " + tries + " tries, " + total + "; by mutation: " + counts);
        counts.clear();
    }

    private void check(Original o, String kind, byte[] mutated, Set<Integer> changedInPlace) {
        Safetensors.Contents c;
        try {
            c = Safetensors.parse(mutated, "fuzz.safetensors");
        } catch (CheckpointException e) {
            assertThat(e.getMessage()).as("message length").hasSizeLessThan(1000).doesNotContain("\n");
            record(kind, Outcome.REJECTED);
            return;
        } // any other exception fails the property
        Outcome outcome = classify(o, c.weights(), changedInPlace, kind, mutated.length);
        record(kind, outcome);
    }

    private void record(String kind, Outcome outcome) {
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome by mutation").collect(kind, outcome);
        counts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    /** Compares loaded weights with the original, failing unless the difference is explained. */
    private static Outcome classify(Original o, ModelWeights got, Set<Integer> changedInPlace, String kind,
            int length) {
        List<ModelWeights.Parameter> want = new ArrayList<>(o.weights().parameters());
        want.sort(Comparator.comparingLong(p -> o.begin().get(p.name()))); // parse returns data order
        List<ModelWeights.Parameter> have = got.parameters();
        String what = kind + " (changed in place: " + changedInPlace + ", file " + length + " bytes, was "
                + o.bytes().length + ")";
        assertThat(have).as("tensor count after %s", what).hasSameSizeAs(want);
        boolean renamed = false;
        boolean dataChanged = false;
        for (int i = 0; i < want.size(); i++) {
            ModelWeights.Parameter w = want.get(i);
            ModelWeights.Parameter h = have.get(i);
            if (!h.name().equals(w.name())) {
                boolean nameHit = Arrays.stream(o.namePositions().get(w.name())).anyMatch(changedInPlace::contains);
                if (!nameHit) {
                    fail("%s loaded tensor %s as %s, but no byte of its name was changed", what, w.name(), h.name());
                }
                renamed = true;
            }
            assertThat(h.shape()).as("shape of %s after %s", w.name(), what).isEqualTo(w.shape());
            long base = o.dataStart() + o.begin().get(w.name());
            float[] a = w.values();
            float[] b = h.values();
            for (int k = 0; k < a.length; k++) {
                if (Float.floatToRawIntBits(a[k]) != Float.floatToRawIntBits(b[k])) {
                    long first = base + 4L * k;
                    boolean ownByteHit = false;
                    for (long p = first; p < first + 4; p++) {
                        ownByteHit |= changedInPlace.contains((int) p);
                    }
                    if (!ownByteHit) {
                        fail("%s loaded %s[%d] as %08x instead of %08x, though none of its bytes %d..%d changed",
                                what, w.name(), k, Float.floatToRawIntBits(b[k]), Float.floatToRawIntBits(a[k]), first,
                                first + 3);
                    }
                    dataChanged = true;
                }
            }
        }
        return renamed ? Outcome.LOADED_RENAMED
                : dataChanged ? Outcome.LOADED_DATA_BYTES_CHANGED : Outcome.LOADED_IDENTICAL;
    }

    /** Applies a JSON-level edit to the header and re-encodes the file with a correct length field. */
    private static byte[] editHeader(Original o, JsonEdit edit, Random random) {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(new String(o.bytes(), 8, o.headerLength(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("the original header must parse", e);
        }
        List<String> tensors = new ArrayList<>();
        root.fieldNames().forEachRemaining(n -> {
            if (!n.equals(Safetensors.METADATA_KEY)) {
                tensors.add(n);
            }
        });
        String name = tensors.get(random.nextInt(tensors.size()));
        ObjectNode t = (ObjectNode) root.get(name);
        long dataLength = o.dataLength();
        // the header's fields as "key":value texts, so a key can appear twice
        List<String> fields = new ArrayList<>();
        switch (edit) {
            case DATA_OFFSET -> {
                ArrayNode off = (ArrayNode) t.get("data_offsets");
                int i = random.nextInt(2);
                long v = off.get(i).longValue();
                JsonNode[] choices = {num(v + 1 + random.nextInt(8)), num(v - 1 - random.nextInt(8)), num(0), num(-1),
                    num(v * 2), num(dataLength), num(dataLength + 4), num(Long.MAX_VALUE),
                    JsonNodeFactory.instance.numberNode(new java.math.BigInteger("18446744073709551616")),
                    JsonNodeFactory.instance.numberNode(v + 0.5), JsonNodeFactory.instance.textNode(Long.toString(v)),
                    JsonNodeFactory.instance.nullNode()};
                off.set(i, choices[random.nextInt(choices.length)]);
            }
            case SHAPE_ENTRY -> {
                ArrayNode shape = (ArrayNode) t.get("shape");
                int i = random.nextInt(shape.size());
                long v = shape.get(i).longValue();
                JsonNode[] choices = {num(v + 1), num(v - 1), num(0), num(-1), num(v * 2), num(2147483648L),
                    JsonNodeFactory.instance.numberNode(1e300), JsonNodeFactory.instance.textNode(Long.toString(v)),
                    JsonNodeFactory.instance.nullNode()};
                shape.set(i, choices[random.nextInt(choices.length)]);
            }
            case DTYPE -> {
                JsonNode[] choices = {text("F64"), text("F16"), text("BF16"), text("I32"), text("U8"), text("f32"),
                    text("F32 "), text(""), num(32), JsonNodeFactory.instance.nullNode()};
                t.set("dtype", choices[random.nextInt(choices.length)]);
            }
            case DUPLICATE_KEY, ADD_TENSOR -> {
                // handled on the text below
            }
            default -> throw new IllegalArgumentException("unknown edit " + edit);
        }
        root.properties().forEach(e -> fields.add(field(e.getKey(), e.getValue())));
        if (edit == JsonEdit.DUPLICATE_KEY) {
            String dup = fields.get(random.nextInt(fields.size()));
            fields.add(random.nextInt(fields.size() + 1), dup);
        } else if (edit == JsonEdit.ADD_TENSOR) {
            String[] names = {"net.9.weight", "extra", "", name, Safetensors.METADATA_KEY};
            int k = 1 + random.nextInt(4);
            long[] begins = {0, 4L * random.nextInt((int) (dataLength / 4) + 1), dataLength, random.nextInt(1 << 20)};
            long b = begins[random.nextInt(begins.length)];
            ObjectNode extra = JSON.createObjectNode();
            extra.put("dtype", "F32");
            extra.putArray("shape").add(k);
            extra.putArray("data_offsets").add(b).add(b + 4L * k);
            fields.add(random.nextInt(fields.size() + 1), field(names[random.nextInt(names.length)], extra));
        }
        byte[] json = ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8);
        int padded = random.nextBoolean() ? (json.length + 7) / 8 * 8 : json.length + random.nextInt(3);
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
        return FileMutations.concat(len, header, Arrays.copyOfRange(o.bytes(), o.dataStart(), o.bytes().length));
    }

    private static String field(String key, JsonNode value) {
        try {
            return JSON.writeValueAsString(key) + ":" + JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode num(long v) {
        return JsonNodeFactory.instance.numberNode(v);
    }

    private static JsonNode text(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }
}
