package org.fmjvm.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a backend runs its tensors: {@code cpu}, or {@code gpu} with an index.
 *
 * @param type {@code "cpu"} or {@code "gpu"}
 * @param index the device number; 0 for the CPU
 */
public record Device(String type, int index) {
    /** The CPU. */
    public static final Device CPU = new Device("cpu", 0);

    /** Validates and normalises the type to lower case. */
    public Device {
        Objects.requireNonNull(type, "type");
        type = type.toLowerCase(Locale.ROOT);
        if (!type.equals("cpu") && !type.equals("gpu")) {
            throw new IllegalArgumentException("device type must be 'cpu' or 'gpu', got '" + type + "'");
        }
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /**
     * Parses {@code cpu}, {@code gpu} or {@code gpu:1}.
     *
     * @param text the device name
     * @return the device
     */
    public static Device parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.trim().split(":", 2);
        int index = 0;
        if (parts.length == 2) {
            try {
                index = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device index must be an integer, got '" + text + "'", e);
            }
        }
        return new Device(parts[0], index);
    }

    @Override
    public String toString() {
        return type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
