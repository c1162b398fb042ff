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
import org.fmjvm.core.io.Hashes;
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
        assertRejected(handMade("{\"a\":}", new byte[0]), "the header is not valid JSON at character");
        assertRejected(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1)), "not valid JSON",
                "Duplicate field 'a'");
        assertRejected(handMade("{\"a\":1}{\"b\":2}", new byte[0]), "not valid JSON");
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

    @Test
    void parseValidatesBytesInMemoryAndNamesTheSource() throws IOException {
        byte[] bytes = Files.readAllBytes(written());
        assertThat(Safetensors.parse(bytes, "in-memory").weights()).isEqualTo(weights());
        assertThatThrownBy(() -> Safetensors.parse(Arrays.copyOf(bytes, 5), "in-memory"))
                .isInstanceOf(CheckpointException.class).hasMessageStartingWith("in-memory is only 5 bytes long");
    }

    @Test
    void writeReturnsTheSha256OfTheBytesOnDisk() throws IOException {
        Path f = dir.resolve("w.safetensors");
        String sha = Safetensors.write(f, weights(), Map.of("format", "pt"));
        assertThat(sha).matches("[0-9a-f]{64}").isEqualTo(Hashes.sha256Hex(Files.readAllBytes(f)));
        String other = Safetensors.write(f, weights(), Map.of("format", "np"));
        assertThat(other).isNotEqualTo(sha).isEqualTo(Hashes.sha256Hex(Files.readAllBytes(f)));
    }

    /** A file of the 8-byte length field {@code n} followed by {@code rest}, whatever they claim. */
    private Path rawFile(long n, byte[] rest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
        out.write(rest);
        Path f = dir.resolve("raw.safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void aHeaderLengthBelowTwoIsRejected() throws IOException {
        assertRejected(rawFile(0, "{}".getBytes(StandardCharsets.US_ASCII)), "header length 0 is too small",
                "the shortest header is {} (2 bytes)");
        assertRejected(rawFile(1, "{}".getBytes(StandardCharsets.US_ASCII)), "header length 1 is too small");
        assertThat(Safetensors.read(rawFile(2, "{}".getBytes(StandardCharsets.US_ASCII))).weights().parameters())
                .isEmpty();
    }

    @Test
    void aHeaderLengthOverTheLimitIsRejected() {
        long n = Safetensors.MAX_HEADER_BYTES + 1;
        byte[] bytes = new byte[(int) (8 + n)]; // the file is long enough, the header is not allowed to be
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        bytes[8] = '{';
        assertThatThrownBy(() -> Safetensors.parse(bytes, "big.safetensors")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("big.safetensors: header length 100000001 exceeds the limit of 100000000 bytes");
    }

    @Test
    void aHeaderThatIsNotUtf8IsRejected() throws IOException {
        byte[] header = "{\"a?\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.US_ASCII);
        header[3] = (byte) 0xFF; // never valid in UTF-8; new String(..) would have made it U+FFFD and loaded
        assertRejected(rawFile(header.length, concat(header, floats(1))), "the header is not valid UTF-8",
                "bad byte at header offset 3");
        byte[] overlong = "{\"??\":1}".getBytes(StandardCharsets.US_ASCII);
        overlong[2] = (byte) 0xC0; // an over-long encoding of '/'
        overlong[3] = (byte) 0xAF;
        assertRejected(rawFile(overlong.length, overlong), "not valid UTF-8", "header offset 2");
    }

    @Test
    void theHeaderMustStartWithABrace() throws IOException {
        assertRejected(handMade(" {}     ", new byte[0]), "the header must start with '{' but its first byte is 0x20");
        assertRejected(handMade("[1,2]   ", new byte[0]), "must start with '{'", "0x5b");
    }

    @Test
    void onlySpacesMayFollowTheJsonObject() throws IOException {
        assertThat(Safetensors.read(handMade("{}      ", new byte[0])).weights().parameters()).isEmpty();
        assertRejected(handMade("{}\n", new byte[0]), "last non-space character is U+000A");
        assertRejected(handMade("{}\t  ", new byte[0]), "last non-space character is U+0009");
        assertRejected(handMade("{} x ", new byte[0]), "last non-space character is 'x'");
        assertRejected(handMade("{}\u0000   ", new byte[0]), "last non-space character is U+0000");
    }

    @Test
    void theFirstTensorMustStartAtOffsetZero() throws IOException {
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2)),
                "data bytes [0, 4) before tensor w belong to no tensor");
    }

    @Test
    void aGapBetweenTensorsIsRejected() throws IOException {
        assertRejected(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", floats(1, 2, 3)),
                "data bytes [4, 8) before tensor b belong to no tensor");
    }

    @Test
    void bytesAfterTheLastTensorAreRejected() throws IOException {
        Path f = written();
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long data = bytes.length - 8 - n;
        Files.write(f, concat(bytes, new byte[16]));
        assertRejected(f, "the data region has " + (data + 16) + " bytes but the tensors cover only the first " + data
                + "; the 16 bytes after the last tensor net.4.bias belong to no tensor");
    }

    @Test
    void noTensorsMeansNoData() throws IOException {
        assertRejected(handMade("{}      ", floats(1)),
                "the 4 bytes after the header (which lists no tensors) belong to no tensor");
    }

    @Test
    void spacesInsertedIntoTheHeaderShiftTheDataAndAreRejected() throws IOException {
        // the fuzzer's case: the length field is unchanged, so the header's padding becomes data and
        // every weight would be read 4 bytes early
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}    ";
        byte[] good = Files.readAllBytes(handMade(header, floats(1, 2)));
        assertThat(Safetensors.parse(good, "good").weights().get("w").values()).containsExactly(1f, 2f);
        byte[] shifted = concat(Arrays.copyOf(good, 9), "    ".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOfRange(good, 9, good.length));
        Path f = dir.resolve("shifted.safetensors");
        Files.write(f, shifted);
        assertRejected(f, "the data region has 12 bytes but the tensors cover only the first 8",
                "4 bytes after the last tensor w");
    }

    @Test
    void offsetsMustBeTwoNonNegativeIntegers() throws IOException {
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", floats(1)),
                "tensor w has invalid data_offsets [-4,0]; need 0 <= begin <= end");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", floats(1)),
                "tensor w needs data_offsets [begin, end] of two integers");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", floats(1)),
                "needs data_offsets [begin, end] of two integers, got an array of 3 elements");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,99999999999999999999999]}}", floats(1)), "needs data_offsets");
    }

    @Test
    void shapesMustBeNonNegativeIntegers() throws IOException {
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,-1],\"data_offsets\":[0,4]}}", floats(1)),
                "tensor w has an invalid shape: axis 1 is -1; axes must be non-negative integers");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", floats(1)),
                "axis 0 is a string of 1 characters");
        assertRejected(handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", floats(1)),
                "axis 0 is 1.5");
    }

    @Test
    void metadataMustBeAnObjectOfStrings() throws IOException {
        assertRejected(handMade("{\"__metadata__\":[\"a\"]}", new byte[0]),
                "__metadata__ must be an object of strings, got an array of 1 elements");
        assertRejected(handMade("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", new byte[0]),
                "must map strings to strings, but 'a' is an object with 1 fields");
    }

    @Test
    void messagesQuoteNoMoreThanShortStructuralFacts() throws IOException {
        String longName = "net." + "x".repeat(500);
        Path f = handMade("{\"" + longName + "\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                floats(1));
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(CheckpointException.class).satisfies(e -> {
            assertThat(e.getMessage()).contains("tensor net." + "x".repeat(53) + "...").doesNotContain("x".repeat(100))
                    .hasSizeLessThan(f.toString().length() + 200);
        });
        String secret = "SENTINEL-" + "y".repeat(500);
        Path g = handMade("{\"__metadata__\":{\"k\":[\"" + secret + "\"]}}", new byte[0]);
        assertThatThrownBy(() -> Safetensors.read(g)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SENTINEL").hasSizeLessThan(400));
        Path h = handMade("{\"a\":" + "z".repeat(500) + "}", new byte[0]); // Jackson quotes the bad token
        assertThatThrownBy(() -> Safetensors.read(h)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("not valid JSON").doesNotContain("z".repeat(200))
                        .hasSizeLessThan(400).doesNotContain("\n"));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
