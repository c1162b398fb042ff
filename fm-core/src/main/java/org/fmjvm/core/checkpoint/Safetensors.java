package org.fmjvm.core.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.Hashes;

/**
 * Reads and writes model weights in the safetensors format, so a checkpoint opens in Python with
 * {@code safetensors.torch.load_file} (or numpy's loader) and loads into a PyTorch module by name.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, ...}}, padded with spaces so {@code N} is a multiple of 8; then the
 * raw little-endian tensor data, offsets counted from the first byte after the header. Tensors are
 * written contiguously in {@link ModelWeights} order.
 *
 * <p>Reading accepts {@code F32} and {@code F64} (converted to float32) and enforces every rule of
 * the format, so that a damaged file is rejected instead of loading shifted or reinterpreted
 * weights:
 * <ul>
 *   <li>the header length is at least 2 (the header {@code {}}), at most {@value #MAX_HEADER_BYTES}
 *       bytes (the reference implementation's limit) and within the file;</li>
 *   <li>the header is valid UTF-8, starts with {@code {}, is one JSON object without duplicate keys,
 *       and is followed by nothing but spaces (padding);</li>
 *   <li>{@value #METADATA_KEY}, if present, maps strings to strings;</li>
 *   <li>every tensor has a supported dtype, a shape of non-negative integers and
 *       {@code data_offsets [begin, end]} with {@code 0 <= begin <= end} spanning exactly
 *       {@code product(shape) * element size} bytes;</li>
 *   <li>sorted by offset, the tensors tile the data region exactly: the first begins at 0, each
 *       begins where the previous one ends, and the last ends at the end of the file (no gaps, no
 *       overlaps, no trailing bytes; no tensors means no data bytes).</li>
 * </ul>
 * A violation throws a {@link CheckpointException} that names the file and the problem; messages
 * quote only short structural facts (numbers, node types, tensor names cut to
 * {@value #MAX_NAME_IN_MESSAGE} characters), never the file's content at large. Tensors are returned
 * in the order of their data offsets.
 *
 * <p>Thread safety: stateless and thread-safe.
 */
public final class Safetensors {

    /** The metadata key of the header. */
    public static final String METADATA_KEY = "__metadata__";

    /** The largest header length accepted, in bytes (as in the reference Rust implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The longest tensor name, key or token quoted in an error message; longer ones are cut. */
    static final int MAX_NAME_IN_MESSAGE = 60;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Safetensors() {
    }

    /**
     * A file's contents.
     *
     * @param weights the tensors as float32, in data-offset order
     * @param metadata the {@code __metadata__} map (empty if absent), in file order
     */
    public record Contents(ModelWeights weights, Map<String, String> metadata) {
        /** Checks and copies. */
        public Contents {
            Objects.requireNonNull(weights, "weights");
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Writes weights atomically (the destination is replaced only once the whole file is on disk, see
     * {@link AtomicFiles}) and hashes the bytes on the way.
     *
     * @param file the destination, conventionally {@code model.safetensors}
     * @param weights the tensors, stored as {@code F32} in their order
     * @param metadata string pairs stored under {@code __metadata__} (omitted when empty)
     * @return the SHA-256 of the exact bytes written, as 64 lowercase hex digits
     * @throws CheckpointException if the file cannot be written
     */
    public static String write(Path file, ModelWeights weights, Map<String, String> metadata) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(metadata, "metadata");
        byte[] header = header(weights, metadata);
        MessageDigest sha = Hashes.sha256();
        try {
            AtomicFiles.write(file, raw -> {
                OutputStream out = new HashingStream(raw, sha);
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                out.write(len.array());
                out.write(header);
                for (ModelWeights.Parameter p : weights.parameters()) {
                    float[] v = p.values();
                    ByteBuffer buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(v);
                    out.write(buf.array());
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + e.getMessage()
                    + "; check that the directory is writable and the disk is not full", e);
        }
        return Hashes.hex(sha.digest());
    }

    /** Passes bytes through to a stream and into a digest; closing it does not close the stream. */
    private static final class HashingStream extends OutputStream {
        private final OutputStream out;
        private final MessageDigest digest;

        HashingStream(OutputStream out, MessageDigest digest) {
            this.out = out;
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    private static byte[] header(ModelWeights weights, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, "metadata value of " + k)));
        }
        long offset = 0;
        for (ModelWeights.Parameter p : weights.parameters()) {
            if (p.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            ObjectNode t = root.putObject(p.name());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (int s : p.shape()) {
                shape.add(s);
            }
            long end = offset + 4L * p.size();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /**
     * Reads and validates a file: {@link #parse} of its bytes.
     *
     * @param file a safetensors file
     * @return its tensors (as float32) and metadata
     * @throws CheckpointException naming the file and the problem: a missing, unreadable or over-2-GiB
     *     file, or any violation of the rules listed on this class
     */
    public static Contents read(Path file) {
        Objects.requireNonNull(file, "file");
        return parse(readBytes(file), file.toString());
    }

    /**
     * Validates and decodes a safetensors file already in memory.
     *
     * @param bytes the whole file
     * @param source the name to use in messages, e.g. the file's path
     * @return its tensors (as float32) and metadata
     * @throws CheckpointException naming {@code source} and the first rule (listed on this class) that
     *     the bytes break
     */
    public static Contents parse(byte[] bytes, String source) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        String f = source;
        if (bytes.length < 8) {
            throw new CheckpointException(f + " is only " + bytes.length + " bytes long: a safetensors file starts "
                    + "with an 8-byte header length; the file is truncated or not a safetensors file");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long available = bytes.length - 8L;
        if (Long.compareUnsigned(n, available) > 0) {
            throw new CheckpointException(f + ": header length " + Long.toUnsignedString(n)
                    + " is larger than the file (" + bytes.length + " bytes): the file is truncated or not a "
                    + "safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new CheckpointException(f + ": header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES
                    + " bytes: the file is corrupt or not a safetensors file");
        }
        if (n < 2) {
            throw new CheckpointException(f + ": header length " + n + " is too small: the shortest header is {} "
                    + "(2 bytes); the file is corrupt or not a safetensors file");
        }
        int headerLen = (int) n;
        String header = decodeUtf8(f, bytes, headerLen);
        if (header.charAt(0) != '{') {
            throw new CheckpointException(f + ": the header must start with '{' but its first byte is "
                    + String.format(Locale.ROOT, "0x%02x", bytes[8] & 0xff)
                    + "; the file is corrupt or not a safetensors file");
        }
        int jsonEnd = header.length();
        while (jsonEnd > 0 && header.charAt(jsonEnd - 1) == ' ') {
            jsonEnd--;
        }
        char last = header.charAt(jsonEnd - 1); // jsonEnd >= 1: the header starts with '{'
        if (last != '}') {
            throw new CheckpointException(f + ": the header's JSON object must end with '}' followed only by space "
                    + "padding, but its last non-space character is " + describeChar(last)
                    + "; the file is corrupt");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header.substring(0, jsonEnd));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getCharOffset() < 0 ? "" : " at character " + at.getCharOffset();
            throw new CheckpointException(f + ": the header is not valid JSON" + where + " ("
                    + shortText(e.getOriginalMessage(), 160) + "); the file is corrupt", e);
        }
        if (root == null || !root.isObject()) { // cannot happen after the '{' check; kept as a guard
            throw new CheckpointException(f + ": the header is not a JSON object (got " + describe(root)
                    + "); the file is corrupt or not a safetensors file");
        }
        int dataStart = 8 + headerLen;
        long dataLen = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(f, e.getValue(), metadata);
            } else {
                entries.add(entry(f, e.getKey(), e.getValue(), dataLen));
            }
        }
        requireExactTiling(f, entries, dataLen);
        List<ModelWeights.Parameter> params = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            params.add(new ModelWeights.Parameter(e.name, e.shape, decode(bytes, dataStart, e)));
        }
        return new Contents(new ModelWeights(params), metadata);
    }

    /** Sorts the entries by offset and checks that they cover {@code [0, dataLen)} exactly once. */
    private static void requireExactTiling(String f, List<Entry> entries, long dataLen) {
        entries.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin < covered) {
                throw new CheckpointException(f + ": tensors " + previous.shortName() + " " + previous.range() + " and "
                        + e.shortName() + " " + e.range() + " overlap; the file is corrupt");
            }
            if (e.begin > covered) {
                throw new CheckpointException(f + ": data bytes [" + covered + ", " + e.begin + ") before tensor "
                        + e.shortName() + " belong to no tensor; tensors must be stored back to back from offset 0, "
                        + "so the header or the data is corrupt");
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataLen) { // covered > dataLen is rejected per tensor, as truncation
            throw new CheckpointException(f + ": the data region has " + dataLen + " bytes but the tensors cover "
                    + "only the first " + covered + "; the " + (dataLen - covered) + " bytes after "
                    + (previous == null ? "the header (which lists no tensors)" : "the last tensor " + previous.shortName())
                    + " belong to no tensor: the header length or the data is corrupt, or bytes were appended");
        }
    }

    private static String decodeUtf8(String f, byte[] bytes, int headerLen) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 8, headerLen);
        try {
            CharBuffer chars = utf8.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            // decode() leaves the buffer at the first bad byte
            throw new CheckpointException(f + ": the header is not valid UTF-8 (bad byte at header offset "
                    + (in.position() - 8) + "); the file is corrupt", e);
        }
    }

    /** The whole file, with a {@link CheckpointException} naming it if it cannot be read. */
    static byte[] readBytes(Path file) {
        String f = file.toString();
        if (Files.isDirectory(file)) {
            throw new CheckpointException(f + " is a directory, not a safetensors file");
        }
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new CheckpointException(f + " is " + size + " bytes; files over 2 GiB are not supported");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(f + " does not exist: check the path, or save the model first", e);
        } catch (AccessDeniedException e) {
            throw new CheckpointException("cannot read " + f + ": permission denied", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static void readMetadata(String f, JsonNode meta, Map<String, String> out) {
        if (!meta.isObject()) {
            throw new CheckpointException(f + ": " + METADATA_KEY + " must be an object of strings, got "
                    + describe(meta));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(f + ": " + METADATA_KEY + " must map strings to strings, but '"
                        + shortText(e.getKey(), MAX_NAME_IN_MESSAGE) + "' is " + describe(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static final class Entry {
        final String name;
        final int[] shape;
        final int elementSize;
        final long begin;
        final long end;

        Entry(String name, int[] shape, int elementSize, long begin, long end) {
            this.name = name;
            this.shape = shape;
            this.elementSize = elementSize;
            this.begin = begin;
            this.end = end;
        }

        String shortName() {
            return shortText(name, MAX_NAME_IN_MESSAGE);
        }

        String range() {
            return "[" + begin + ", " + end + ")";
        }
    }

    private static Entry entry(String f, String name, JsonNode t, long dataLen) {
        String shortName = shortText(name, MAX_NAME_IN_MESSAGE);
        String where = f + ": tensor " + shortName;
        if (!t.isObject()) {
            throw new CheckpointException(where + " must be described by an object with dtype, shape and data_offsets, "
                    + "got " + describe(t));
        }
        JsonNode dtype = t.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointException(where + " has no dtype string (got " + describe(dtype) + ")");
        }
        int elementSize;
        switch (dtype.textValue()) {
            case "F32" -> elementSize = 4;
            case "F64" -> elementSize = 8;
            default -> throw new CheckpointException(f + ": dtype '" + shortText(dtype.textValue(), 16) + "' of tensor "
                    + shortName + " is not supported; expected F32 (or F64); convert the tensor to float32 before saving");
        }
        JsonNode shapeNode = t.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(where + " has no shape array (got " + describe(shapeNode) + ")");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.longValue() < 0 || s.longValue() > Integer.MAX_VALUE) {
                throw new CheckpointException(where + " has an invalid shape: axis " + i + " is " + describe(s)
                        + "; axes must be non-negative integers");
            }
            shape[i] = (int) s.longValue();
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE) {
                throw new CheckpointException(where + " has shape " + shapeText(shape) + " with more than 2^31 elements");
            }
        }
        JsonNode off = t.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new CheckpointException(where + " needs data_offsets [begin, end] of two integers, got "
                    + describe(off));
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        String offsets = "[" + begin + "," + end + "]";
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + " has invalid data_offsets " + offsets + "; need 0 <= begin <= end");
        }
        if (end - begin != elements * elementSize) {
            throw new CheckpointException(where + " has shape " + shapeText(shape) + " (" + elements + " x "
                    + dtype.textValue() + " = " + elements * elementSize + " bytes) but data_offsets " + offsets
                    + " span " + (end - begin) + " bytes; the file is corrupt");
        }
        if (end > dataLen) {
            throw new CheckpointException(where + " needs data bytes [" + begin + ", " + end + ") but the data region "
                    + "has only " + dataLen + " bytes: the file is truncated");
        }
        return new Entry(name, shape, elementSize, begin, end);
    }

    private static float[] decode(byte[] bytes, int dataStart, Entry e) {
        int count = (int) ((e.end - e.begin) / e.elementSize);
        ByteBuffer buf = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        if (e.elementSize == 4) {
            buf.asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = (float) buf.getDouble();
            }
        }
        return out;
    }

    /** A shape for a message: its axes, or only its rank when it has many. */
    private static String shapeText(int[] shape) {
        return shape.length <= 8 ? Arrays.toString(shape) : "of rank " + shape.length;
    }

    /**
     * A JSON value for a message without quoting the file: a short number as itself, anything else
     * by its type (and size).
     */
    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isNumber() || v.isBoolean() || v.isNull()) {
            return shortText(v.toString(), 24);
        }
        if (v.isTextual()) {
            return "a string of " + v.textValue().length() + " characters";
        }
        if (v.isArray()) {
            return "an array of " + v.size() + " elements";
        }
        if (v.isObject()) {
            return "an object with " + v.size() + " fields";
        }
        return v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String describeChar(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format(Locale.ROOT, "U+%04X", (int) c);
    }

    /** Cuts text to {@code max} characters (marking the cut) and replaces control characters. */
    static String shortText(String text, int max) {
        if (text == null) {
            return "";
        }
        String cut = text.length() <= max ? text : text.substring(0, max - 3) + "...";
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
