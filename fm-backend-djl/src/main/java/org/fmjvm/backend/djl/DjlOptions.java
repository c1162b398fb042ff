package org.fmjvm.backend.djl;

import java.util.Locale;
import java.util.Objects;

import org.fmjvm.api.Device;
import org.fmjvm.api.error.ConfigurationException;

/**
 * How to open the {@code djl} backend.
 *
 * @param threads native intra-op threads per call: {@link #AUTO} (0) lets an adaptive governor
 *     choose between 1 and the number of cores (at most 4) by measuring; a fixed count {@code >= 1}
 *     pins it
 * @param device where tensors live; only {@code cpu} is bundled
 */
public record DjlOptions(int threads, Device device) {
    /** The {@link #threads} value that means "choose adaptively". */
    public static final int AUTO = 0;

    /** Validates. */
    public DjlOptions {
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new ConfigurationException("djl: threads must be 'auto' or an integer >= 1, got " + threads);
        }
    }

    /** @return adaptive threads on the CPU */
    public static DjlOptions defaults() {
        return new DjlOptions(AUTO, Device.CPU);
    }

    /**
     * @param threads {@code auto} or an integer {@code >= 1}
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the options
     * @throws ConfigurationException naming the bad value
     */
    public static DjlOptions parse(String threads, String device) {
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(device, "device");
        int n;
        String t = threads.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            n = AUTO;
        } else {
            try {
                n = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("djl: threads must be 'auto' or an integer >= 1, got '" + threads + "'",
                        e);
            }
            if (n < 1) {
                throw new ConfigurationException("djl: threads must be 'auto' or an integer >= 1, got '" + threads
                        + "'");
            }
        }
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("djl: " + e.getMessage(), e);
        }
        return new DjlOptions(n, d);
    }

    /** @return whether threads are chosen adaptively */
    public boolean autoThreads() {
        return threads == AUTO;
    }
}
