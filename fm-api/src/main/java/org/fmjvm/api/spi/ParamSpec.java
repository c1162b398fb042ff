package org.fmjvm.api.spi;

import java.util.Objects;

/**
 * A parameter a component accepts from configuration ({@code --path-param n=2}), shown by
 * {@code fm list}.
 *
 * @param name the key, e.g. {@code n}
 * @param type how the value is parsed
 * @param defaultValue the value used when the key is absent, as text
 * @param description one line
 */
public record ParamSpec(String name, Type type, String defaultValue, String description) {

    /** How a parameter's text is parsed. */
    public enum Type {
        /** A finite real number. */
        NUMBER,
        /** A whole number. */
        INTEGER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** Free text. */
        TEXT
    }

    /** Rejects nulls and blank names. */
    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be blank");
        }
    }

    /**
     * @param name key
     * @param defaultValue default
     * @param description one line
     * @return a real-valued parameter
     */
    public static ParamSpec number(String name, double defaultValue, String description) {
        return new ParamSpec(name, Type.NUMBER, Double.toString(defaultValue), description);
    }

    /**
     * @param name key
     * @param defaultValue default
     * @param description one line
     * @return an integer parameter
     */
    public static ParamSpec integer(String name, long defaultValue, String description) {
        return new ParamSpec(name, Type.INTEGER, Long.toString(defaultValue), description);
    }

    /**
     * @param name key
     * @param defaultValue default
     * @param description one line
     * @return a boolean parameter
     */
    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, Type.BOOLEAN, Boolean.toString(defaultValue), description);
    }

    /**
     * @param name key
     * @param defaultValue default
     * @param description one line
     * @return a text parameter
     */
    public static ParamSpec text(String name, String defaultValue, String description) {
        return new ParamSpec(name, Type.TEXT, defaultValue, description);
    }

    @Override
    public String toString() {
        return name + "=" + defaultValue + " (" + type.name().toLowerCase(java.util.Locale.ROOT) + "): " + description;
    }
}
