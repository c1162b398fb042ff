package org.fmjvm.core.io;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import org.fmjvm.api.error.CheckpointException;

/**
 * Typed reads of the fields of a JSON file whose every failure is a {@link CheckpointException}
 * that names the file and the field's path, e.g. {@code run/checkpoint.json: field 'optimizer.beta1'
 * must be a number, got "high"} or {@code run/checkpoint.json has no field 'seed': the file is
 * incomplete; restore it or re-run training}. A wrong value is shown only as a short
 * {@link Snippets#excerpt}, never the file's contents.
 *
 * <p>A reader reads the fields under one path ({@link #at}); its accessors take the parent object
 * and a key and report the path {@code prefix.key}. A JSON {@code null} counts as missing.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonFields {

    private static final String INCOMPLETE = ": the file is incomplete; restore it or re-run training";

    private final String source;
    private final String label;
    private final String prefix;

    private JsonFields(String source, String label, String prefix) {
        this.source = Objects.requireNonNull(source, "source");
        this.label = Objects.requireNonNull(label, "label");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * @param source the file, for messages, e.g. {@code run/checkpoint.json}
     * @return a reader of the file's top-level fields, called {@code field} in messages
     */
    public static JsonFields of(String source) {
        return new JsonFields(source, "field", "");
    }

    /**
     * @param source the file, for messages
     * @param label what messages call a field, e.g. {@code training-state field}
     * @return a reader of the top-level fields of a part of a file that has its own names
     */
    public static JsonFields labelled(String source, String label) {
        return new JsonFields(source, label, "");
    }

    /**
     * @param path a path relative to this reader's, e.g. {@code model} or {@code quantiles[2]}
     * @return a reader of the fields under it: {@code at("model").field(m, "dim")} reports {@code model.dim}
     */
    public JsonFields at(String path) {
        return new JsonFields(source, label, path(path));
    }

    /** @return the file named in messages */
    public String source() {
        return source;
    }

    /**
     * @param n a node, possibly {@code null}
     * @return its JSON type in lower case, e.g. {@code array}, or {@code nothing} for {@code null}
     */
    public static String kind(JsonNode n) {
        return n == null ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /**
     * @param path a path relative to this reader's, or empty for the reader's own path
     * @param problem what is wrong, e.g. {@code is 2, but this fm-jvm reads version 1}
     * @return {@code source: field 'path' problem}, to throw
     */
    public CheckpointException fail(String path, String problem) {
        return new CheckpointException(source + ": " + label + " '" + path(path) + "' " + problem);
    }

    /** {@link #fail(String, String)} with a cause. */
    public CheckpointException fail(String path, String problem, Throwable cause) {
        return new CheckpointException(source + ": " + label + " '" + path(path) + "' " + problem, cause);
    }

    /**
     * @param path a path relative to this reader's, or empty for the reader's own path
     * @param expected what the field must be, e.g. {@code an integer from 1 to 64}
     * @param got the value found (a node or a description), shown as a short excerpt
     * @return {@code source: field 'path' must be expected, got got}, to throw
     */
    public CheckpointException invalid(String path, String expected, Object got) {
        return fail(path, "must be " + expected + ", got " + Snippets.excerpt(got));
    }

    /**
     * @param path a path relative to this reader's
     * @return {@code source has no field 'path': the file is incomplete; ...}, to throw
     */
    public CheckpointException missing(String path) {
        return new CheckpointException(source + " has no " + label + " '" + path(path) + "'" + INCOMPLETE);
    }

    /**
     * @return the field {@code key} of {@code parent}
     * @throws CheckpointException if it is absent or {@code null}
     */
    public JsonNode field(JsonNode parent, String key) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            throw missing(key);
        }
        return v;
    }

    /** @return the field {@code key}, an object */
    public JsonNode object(JsonNode parent, String key) {
        return typed(parent, key, JsonNode::isObject, "an object");
    }

    /** @return the field {@code key}, a list */
    public JsonNode array(JsonNode parent, String key) {
        return typed(parent, key, JsonNode::isArray, "a list");
    }

    /** @return the field {@code key}, a string of any length */
    public String text(JsonNode parent, String key) {
        return typed(parent, key, JsonNode::isTextual, "a string").textValue();
    }

    /** @return the field {@code key}, a string of at most {@code maxLength} characters */
    public String text(JsonNode parent, String key, int maxLength) {
        return typed(parent, key, v -> v.isTextual() && v.textValue().length() <= maxLength,
                "a string of up to " + maxLength + " characters").textValue();
    }

    /** @return the field {@code key}, an integer that fits an {@code int} */
    public int integer(JsonNode parent, String key) {
        return typed(parent, key, v -> v.isIntegralNumber() && v.canConvertToInt(), "a 32-bit integer").intValue();
    }

    /** @return the field {@code key}, an integer in {@code [min, max]} */
    public int bounded(JsonNode parent, String key, int min, int max) {
        return typed(parent, key, v -> v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= min
                && v.intValue() <= max, "an integer from " + min + " to " + max).intValue();
    }

    /** @return the field {@code key}, an integer that fits a {@code long} */
    public long longInteger(JsonNode parent, String key) {
        return typed(parent, key, v -> v.isIntegralNumber() && v.canConvertToLong(), "a 64-bit integer").longValue();
    }

    /** @return the field {@code key}, a JSON number (which may hold a non-finite double) */
    public double number(JsonNode parent, String key) {
        return typed(parent, key, JsonNode::isNumber, "a number").doubleValue();
    }

    /** @return the field {@code key}, a finite number */
    public double finite(JsonNode parent, String key) {
        return finiteValue(field(parent, key), key);
    }

    /**
     * @param v a value already in hand, e.g. a list's entry
     * @param path its path relative to this reader's, e.g. {@code mean[2]}
     * @return its value, a finite number
     */
    public double finiteValue(JsonNode v, String path) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw invalid(path, "a finite number", v);
        }
        return v.doubleValue();
    }

    /** @return the field {@code key}, {@code true} or {@code false} */
    public boolean bool(JsonNode parent, String key) {
        return typed(parent, key, JsonNode::isBoolean, "true or false").booleanValue();
    }

    /** @return the field {@code key}, a list of finite numbers of any length */
    public double[] numbers(JsonNode parent, String key) {
        return list(parent, key, -1, null);
    }

    /**
     * @param length how many numbers the list must hold
     * @param counted what the entries are, shown in brackets in the message, e.g. {@code one per
     *     column}, or {@code null}
     * @return the field {@code key}, a list of exactly {@code length} finite numbers
     */
    public double[] numbers(JsonNode parent, String key, int length, String counted) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return list(parent, key, length, counted);
    }

    /** A list of finite numbers; of exactly {@code length} entries unless it is negative. */
    private double[] list(JsonNode parent, String key, int length, String counted) {
        JsonNode v = field(parent, key);
        if (!v.isArray() || (length >= 0 && v.size() != length)) {
            String expected = length < 0 ? "a list of numbers"
                    : "a list of " + length + " numbers" + (counted == null ? "" : " (" + counted + ")");
            throw invalid(key, expected, v.isArray() ? "a list of " + v.size() : v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finiteValue(v.get(i), key + "[" + i + "]");
        }
        return out;
    }

    /** The field {@code key}, checked by {@code ok}; else the failure says it must be {@code expected}. */
    private JsonNode typed(JsonNode parent, String key, Predicate<JsonNode> ok, String expected) {
        JsonNode v = field(parent, key);
        if (!ok.test(v)) {
            throw invalid(key, expected, v);
        }
        return v;
    }

    private String path(String relative) {
        if (prefix.isEmpty()) {
            return relative;
        }
        return relative.isEmpty() ? prefix : prefix + "." + relative;
    }
}
