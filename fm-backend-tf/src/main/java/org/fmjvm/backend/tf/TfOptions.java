package org.fmjvm.backend.tf;

import java.util.Locale;
import java.util.Objects;

import org.fmjvm.api.Device;
import org.fmjvm.api.error.ConfigurationException;

/**
 * How to open the {@code tf} backend.
 *
 * @param threads TensorFlow intra-op threads: {@link #AUTO} (0) takes the number of cores, at most
 *     4; a fixed count {@code >= 1} pins it. TensorFlow sizes its intra-op pool once per process, so
 *     the first {@code tf} backend opened in a JVM decides (see {@link TfBackend})
 * @param device where tensors live; only {@code cpu} is bundled
 */
public record TfOptions(int threads, Device device) {
    /** The {@link #threads} value that means "choose from the machine". */
    public static final int AUTO = 0;

    /** Validates. */
    public TfOptions {
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new ConfigurationException("tf: threads must be 'auto' or an integer >= 1, got " + threads);
        }
    }

    /** @return automatic threads on the CPU */
    public static TfOptions defaults() {
        return new TfOptions(AUTO, Device.CPU);
    }

    /**
     * @param threads {@code auto} or an integer {@code >= 1}
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the options
     * @throws ConfigurationException naming the bad value
     */
    public static TfOptions parse(String threads, String device) {
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
                throw new ConfigurationException("tf: threads must be 'auto' or an integer >= 1, got '" + threads + "'",
                        e);
            }
            if (n < 1) {
                throw new ConfigurationException("tf: threads must be 'auto' or an integer >= 1, got '" + threads
                        + "'");
            }
        }
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("tf: " + e.getMessage(), e);
        }
        return new TfOptions(n, d);
    }

    /** @return whether the thread count is chosen from the machine */
    public boolean autoThreads() {
        return threads == AUTO;
    }
}
