package org.fmjvm.api.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;

/**
 * The parameters given to one component, checked against the {@link ParamSpec}s it declares:
 * unknown keys are rejected at construction, values are parsed on access, and range helpers give
 * messages such as {@code path 'poly': n must be > 0, got -1}.
 */
public final class ComponentParams {
    private final String owner;
    private final Map<String, ParamSpec> specs = new LinkedHashMap<>();
    private final Map<String, String> values;

    /**
     * @param owner the component, for messages, e.g. {@code path 'poly'}
     * @param declared the parameters the component accepts
     * @param given the user's {@code key=value} pairs
     * @throws ConfigurationException if a key is not declared
     */
    public ComponentParams(String owner, List<ParamSpec> declared, Map<String, String> given) {
        this.owner = Objects.requireNonNull(owner, "owner");
        for (ParamSpec p : declared) {
            specs.put(p.name(), p);
        }
        for (String key : given.keySet()) {
            if (!specs.containsKey(key)) {
                throw new ConfigurationException(owner + " has no parameter '" + key + "'; known: "
                        + (specs.isEmpty() ? "none" : specs.keySet().toString()));
            }
        }
        this.values = Map.copyOf(given);
    }

    /**
     * @param owner the component, for messages
     * @return parameters of a component that declares none and was given none
     */
    public static ComponentParams none(String owner) {
        return new ComponentParams(owner, List.of(), Map.of());
    }

    /** @return every declared parameter with the value in effect (given or default), in declaration order */
    public Map<String, String> resolved() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ParamSpec p : specs.values()) {
            out.put(p.name(), raw(p.name()));
        }
        return out;
    }

    /**
     * @param name a declared parameter
     * @return its value as a finite real number
     */
    public double number(String name) {
        String text = raw(name);
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(owner + ": " + name + " must be a finite number, got '" + text + "'");
        }
    }

    /**
     * @param name a declared parameter
     * @return its value as a number {@code > 0}
     */
    public double positive(String name) {
        double v = number(name);
        if (!(v > 0)) {
            throw new ConfigurationException(owner + ": " + name + " must be > 0, got " + raw(name));
        }
        return v;
    }

    /**
     * @param name a declared parameter
     * @param low inclusive lower bound
     * @param high inclusive upper bound
     * @return its value, checked to lie in {@code [low, high]}
     */
    public double inRange(String name, double low, double high) {
        double v = number(name);
        if (v < low || v > high) {
            throw new ConfigurationException(owner + ": " + name + " must be in [" + low + ", " + high + "], got "
                    + raw(name));
        }
        return v;
    }

    /**
     * @param name a declared parameter
     * @return its value as an integer
     */
    public long integer(String name) {
        String text = raw(name);
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(owner + ": " + name + " must be an integer, got '" + text + "'");
        }
    }

    /**
     * @param name a declared parameter
     * @return its value as {@code true} or {@code false}
     */
    public boolean bool(String name) {
        String text = raw(name).trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigurationException(owner + ": " + name + " must be true or false, got '" + raw(name) + "'");
    }

    /**
     * @param name a declared parameter
     * @return its value as text
     */
    public String text(String name) {
        return raw(name);
    }

    /**
     * @param message what is wrong, e.g. {@code "n must be > 0, got -1"}
     * @return an exception naming this component, for checks the helpers above do not cover
     */
    public ConfigurationException invalid(String message) {
        return new ConfigurationException(owner + ": " + message);
    }

    private String raw(String name) {
        ParamSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException(owner + " reads undeclared parameter '" + name + "'; declare it in parameters()");
        }
        return values.getOrDefault(name, spec.defaultValue());
    }

    @Override
    public String toString() {
        return owner + " " + resolved();
    }
}
