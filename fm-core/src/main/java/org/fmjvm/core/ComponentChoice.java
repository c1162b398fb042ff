package org.fmjvm.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;

/**
 * A component chosen by name with its parameters, e.g. {@code poly} with {@code n=2}.
 *
 * @param name the registered name, or {@code null} for the kind's default
 * @param params {@code key=value} parameters, checked by the component's declared parameters
 */
public record ComponentChoice(String name, Map<String, String> params) {

    /** Copies the parameters, keeping their order. */
    public ComponentChoice {
        Objects.requireNonNull(params, "params");
        params = Map.copyOf(params);
    }

    /**
     * @param name the registered name
     * @return the component with default parameters
     */
    public static ComponentChoice of(String name) {
        return new ComponentChoice(name, Map.of());
    }

    /** @return the kind's default component with default parameters */
    public static ComponentChoice byDefault() {
        return new ComponentChoice(null, Map.of());
    }

    /**
     * Parses {@code key=value} pairs as given on a command line.
     *
     * @param name the registered name, or {@code null}
     * @param pairs each {@code key=value}
     * @param what for messages, e.g. {@code --path-param}
     * @return the choice
     * @throws ConfigurationException if a pair has no {@code =} or repeats a key
     */
    public static ComponentChoice parse(String name, Iterable<String> pairs, String what) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException(what + " expects key=value, got '" + pair + "'");
            }
            String key = pair.substring(0, eq).trim();
            if (params.put(key, pair.substring(eq + 1).trim()) != null) {
                throw new ConfigurationException(what + " gives '" + key + "' twice");
            }
        }
        return new ComponentChoice(name, params);
    }

    /**
     * @param newName another name
     * @return the same parameters under another name
     */
    public ComponentChoice withName(String newName) {
        return new ComponentChoice(newName, params);
    }
}
