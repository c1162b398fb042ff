package org.fmjvm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static ModelWeights weights() {
        return new ModelSpec(2, List.of(8, 5), org.fmjvm.api.model.Activation.SILU,
                new org.fmjvm.api.model.TimeEmbedding.Raw()).initialWeights(Rng.seeded(1));
    }

    private Path written() {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, weights(), Map.of("format", "pt"));
        return f;
    }

    /** Builds a file from a header text and raw data, as another tool (or corruption) might. */
    private Path handMade(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static void assertRejected(Path f, String... fragments) {
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(f.toString()).contains(fragments));
    }

    @Test
    void roundTripIsBitExactWithMetadataInOrder() {
        ModelWeights w = weights();
        // unusual values survive too
        List<ModelWeights.Parameter> ps = new java.util.ArrayList<>(w.parameters());
        float[] odd = {Float.NaN, Float.intBitsToFloat(0x7fc00123), -0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY};
        ps.add(new ModelWeights.Parameter("extra.odd", new int[] {5}, odd));
        ps.add(new ModelWeights.Parameter("extra.scalar", new int[] {}, new float[] {42}));
        ps.add(new ModelWeights.Parameter("extra.empty", new int[] {0, 3}, new float[0]));
        ModelWeights all = new ModelWeights(ps);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcode ✓");
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, all, meta);
        Safetensors.Contents c = Safetensors.read(f);
        assertThat(c.metadata()).containsExactlyEntriesOf(meta);
        assertThat(c.weights().names()).isEqualTo(all.names());
        for (int i = 0; i < ps.size(); i++) {
            ModelWeights.Parameter a = ps.get(i);
            ModelWeights.Parameter b = c.weights().parameters().get(i);
            assertThat(b.shape()).isEqualTo(a.shape());
            int[] ab = new int[a.size()];
            int[] bb = new int[b.size()];
            for (int k = 0; k < a.size(); k++) {
                ab[k] = Float.floatToRawIntBits(a.values()[k]);
                bb[k] = Float.floatToRawIntBits(b.values()[k]);
            }
            assertThat(bb).as(a.name()).isEqualTo(ab);
        }
    }

    @Test
    void layoutFollowsTheFormat() throws IOException {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{");
        JsonNode h = new ObjectMapper().readTree(header);
        assertThat(h.get("__metadata__").get("format").asText()).isEqualTo("pt");
        JsonNode w0 = h.get("net.0.weight");
        assertThat(w0.get("dtype").asText()).isEqualTo("F32");
        assertThat(w0.get("shape").toString()).isEqualTo("[8,3]");
        assertThat(w0.get("data_offsets").toString()).isEqualTo("[0,96]");
        assertThat(h.get("net.0.bias").get("data_offsets").toString()).isEqualTo("[96,128]");
        long total = 0;
        for (ModelWeights.Parameter p : weights().parameters()) {
            total += 4L * p.size();
        }
        assertThat(bytes.length).isEqualTo(8 + n + total);
        // the first weight's first value, little-endian right after the header
        float first = ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isEqualTo(weights().parameters().get(0).values()[0]);
        assertThat(dir.toFile().list()).containsExactly("model.safetensors"); // no temporary left
    }

    @Test
    void f64TensorsAreReadAsFloat32() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5);
        Path f = handMade("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", b.array());
        ModelWeights w = Safetensors.read(f).weights();
        assertThat(w.get("x").values()).containsExactly(0.1f, -2.5f);
        assertThat(Safetensors.read(f).metadata()).isEmpty();
    }

    @Test
    void tensorsComeBackInDataOrder() throws IOException {
        Path f = handMade("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1, 2));
        ModelWeights w = Safetensors.read(f).weights();
        assertThat(w.names()).containsExactly("a", "b");
        assertThat(w.get("b").values()).containsExactly(2f);
    }

    @Test
    void missingOrTinyFilesAreRejected() throws IOException {
        assertRejected(dir.resolve("nope.safetensors"), "does not exist");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3, 4, 5});
        assertRejected(tiny, "only 5 bytes", "8-byte header length");
        assertThatThrownBy(() -> Safetensors.read(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRejected() throws IOException {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        bytes[7] = (byte) 0xFF; // flips the header length to a huge (unsigned) value
        Files.write(f, bytes);
        assertRejected(f, "header length", "is larger than the file");

        byte[] again = Files.readAllBytes(written());
        ByteBuffer.wrap(again).order(ByteOrder.LITTLE_ENDIAN).putLong(0, again.length - 7);
        Files.write(f, again);
        assertRejected(f, "header length " + (again.length - 7), "larger than the file (" + again.length + " bytes)");
    }

    @Test
    void aTruncatedFileIsRejected() throws IOException {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 3));
        assertRejected(f, "tensor net.4.bias", "truncated");
        Files.write(f, Arrays.copyOf(bytes, 100)); // cut inside the header
        assertRejected(f, "is larger than the file");
    }

    @Test
    void brokenJsonIsRejected() throws IOException {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        bytes[8] = 'x'; // the opening brace
        Files.write(f, bytes);
        assertRejected(f, "the header is not valid JSON");
        assertRejected(handMade("[1,2]   ", new byte[0]), "not a JSON object");
        assertRejected(handMade("{\"a\":1}{", new byte[0]), "not valid JSON");
        assertRejected(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)), "not valid JSON",
                "Duplicate field 'a'");
    }

    @Test
    void anUnsupportedDtypeIsNamed() throws IOException {
        Path f = handMade("{\"net.0.weight\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]);
        assertRejected(f, "dtype 'BF16' of tensor net.0.weight is not supported; expected F32");
    }

    @Test
    void inconsistentShapesAndOffsetsAreRejected() throws IOException {
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "tensor w has shape [3] (3 x F32 = 12 bytes) but data_offsets [0,8] span 8 bytes");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1)),
                "tensor w needs data bytes [0, 8) but the data region has only 4 bytes", "truncated");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", floats(1, 2)),
                "invalid data_offsets");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "invalid shape");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", floats(1, 2)), "needs data_offsets");
        assertRejected(handMade("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1, 2)), "no dtype");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2)),
                "tensors w [0, 8) and v [4, 8) overlap");
        assertRejected(handMade("{\"__metadata__\":{\"n\":1}}", new byte[0]), "must map strings to strings");
    }
}
