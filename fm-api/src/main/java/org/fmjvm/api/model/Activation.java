package org.fmjvm.api.model;

import java.util.Arrays;
import java.util.Locale;

import org.fmjvm.api.error.ConfigurationException;

/** Hidden-layer nonlinearity of an MLP. {@link #apply(double)} is the reference definition. */
public enum Activation {
    /** {@code x * sigmoid(x)} (also called swish). */
    SILU {
        @Override
        public double apply(double x) {
            return x / (1 + Math.exp(-x));
        }
    },
    /** {@code max(x, 0)}. */
    RELU {
        @Override
        public double apply(double x) {
            return Math.max(x, 0);
        }
    },
    /** {@code tanh(x)}. */
    TANH {
        @Override
        public double apply(double x) {
            return Math.tanh(x);
        }
    },
    /** {@code log(1 + e^x)}. */
    SOFTPLUS {
        @Override
        public double apply(double x) {
            return x > 20 ? x : Math.log1p(Math.exp(x));
        }
    };

    /**
     * @param x input
     * @return the activation at {@code x}, in float64: the definition every backend must match
     */
    public abstract double apply(double x);

    /** @return the lower-case name used in configuration, e.g. {@code silu} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text {@code silu}, {@code relu}, {@code tanh} or {@code softplus} (any case)
     * @return the activation
     * @throws ConfigurationException listing the known names
     */
    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.id().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new ConfigurationException("Unknown activation '" + text + "'; known: "
                + Arrays.stream(values()).map(Activation::id).toList());
    }
}
