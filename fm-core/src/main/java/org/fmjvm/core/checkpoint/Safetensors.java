package org.fmjvm.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * <p>Reading accepts {@code F32} and {@code F64} (converted to float32) and validates everything,
 * throwing a {@link CheckpointException} that names the file and the problem. Tensors are returned in
 * the order of their data offsets.
 *
 * <p>Thread safety: stateless and thread-safe.
 */
public final class Safetensors {

    /** The metadata key of the header. */
    public static final String METADATA_KEY = "__metadata__";

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
     * Writes weights atomically (the destination is replaced only once the whole file is on disk).
     *
     * @param file the destination, conventionally {@code model.safetensors}
     * @param weights the tensors, stored as {@code F32} in their order
     * @param metadata string pairs stored under {@code __metadata__} (omitted when empty)
     * @throws CheckpointException if the file cannot be written
     */
    public static void write(Path file, ModelWeights weights, Map<String, String> metadata) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(metadata, "metadata");
        byte[] header = header(weights, metadata);
        try {
            AtomicFiles.write(file, out -> {
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
     * Reads and validates a file.
     *
     * @param file a safetensors file
     * @return its tensors (as float32) and metadata
     * @throws CheckpointException naming the file and the problem: missing or unreadable file, fewer
     *     than 8 bytes, a header length beyond the end of the file, a header that is not a JSON object,
     *     an unsupported dtype, a shape that disagrees with the offsets, overlapping or out-of-range
     *     offsets, or a truncated data region
     */
    public static Contents read(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes = readBytes(file);
        String f = file.toString();
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
        int headerLen = (int) n;
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, 8, headerLen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(f + ": the header is not valid JSON (" + e.getOriginalMessage()
                    + "); the file is corrupt", e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(f + ": the header is not a JSON object (got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT))
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
        entries.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        for (int i = 1; i < entries.size(); i++) {
            Entry a = entries.get(i - 1);
            Entry b = entries.get(i);
            if (b.begin < a.end) {
                throw new CheckpointException(f + ": tensors " + a.name + " " + a.range() + " and " + b.name + " "
                        + b.range() + " overlap; the file is corrupt");
            }
        }
        List<ModelWeights.Parameter> params = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            params.add(new ModelWeights.Parameter(e.name, e.shape, decode(bytes, dataStart, e)));
        }
        return new Contents(new ModelWeights(params), metadata);
    }

    private static byte[] readBytes(Path file) {
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
                    + meta.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(f + ": " + METADATA_KEY + " must map strings to strings, but '"
                        + e.getKey() + "' is " + e.getValue());
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

        String range() {
            return "[" + begin + ", " + end + ")";
        }
    }

    private static Entry entry(String f, String name, JsonNode t, long dataLen) {
        String where = f + ": tensor " + name;
        if (!t.isObject()) {
            throw new CheckpointException(where + " must be described by an object with dtype, shape and data_offsets");
        }
        JsonNode dtype = t.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointException(where + " has no dtype string");
        }
        int elementSize;
        switch (dtype.textValue()) {
            case "F32" -> elementSize = 4;
            case "F64" -> elementSize = 8;
            default -> throw new CheckpointException(f + ": dtype '" + dtype.textValue() + "' of tensor " + name
                    + " is not supported; expected F32 (or F64); convert the tensor to float32 before saving");
        }
        JsonNode shapeNode = t.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(where + " has no shape array");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || !s.isIntegralNumber() || s.longValue() < 0 || s.longValue() > Integer.MAX_VALUE) {
                throw new CheckpointException(where + " has an invalid shape " + shapeNode
                        + "; axes must be non-negative integers");
            }
            shape[i] = (int) s.longValue();
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE) {
                throw new CheckpointException(where + " has shape " + shapeNode + " with more than 2^31 elements");
            }
        }
        JsonNode off = t.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new CheckpointException(where + " needs data_offsets [begin, end] of two integers, got " + off);
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + " has invalid data_offsets " + off + "; need 0 <= begin <= end");
        }
        if (end - begin != elements * elementSize) {
            throw new CheckpointException(where + " has shape " + shapeNode + " (" + elements + " x " + dtype.textValue()
                    + " = " + elements * elementSize + " bytes) but data_offsets " + off + " span " + (end - begin)
                    + " bytes; the file is corrupt");
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
}
