package org.fmjvm.api.backend;

import java.util.Locale;
import java.util.Objects;

import org.fmjvm.api.Device;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.ParamSpec;

/**
 * The options every backend is opened with: how many native threads it uses and the device its
 * tensors live on. A backend plugin declares the two parameters with {@link #threadsParameter} and
 * {@link #deviceParameter} (adding its own, if any, beside them) and parses them with
 * {@link #parse(String, ComponentParams)}:
 *
 * <pre>{@code
 * FmBinders.backends(binder).add(ComponentFactory.of("my", "My engine",
 *         List.of(BackendOptions.threadsParameter("..."), BackendOptions.deviceParameter("cpu only")), 10,
 *         params -> MyBackend.open(BackendOptions.parse("my", params))));
 * }</pre>
 *
 * What {@code auto} threads means is the backend's choice (an adaptive policy, the number of
 * cores, ...), as is which devices it can open: it rejects the others when opened.
 *
 * <p>Immutable and thread-safe.
 *
 * @param threads {@link #AUTO} (0) to let the backend choose, or a fixed count {@code >= 1}
 * @param device where tensors live, e.g. {@link Device#CPU}
 */
public record BackendOptions(int threads, Device device) {
    /** The {@link #threads} value that means "let the backend choose". */
    public static final int AUTO = 0;
    /** The name of the threads parameter. */
    public static final String THREADS = "threads";
    /** The name of the device parameter. */
    public static final String DEVICE = "device";

    /**
     * Validates.
     *
     * @param threads {@link #AUTO} or a count {@code >= 1}
     * @param device the device
     * @throws ConfigurationException if {@code threads} is negative
     */
    public BackendOptions {
        Objects.requireNonNull(device, "device");
        if (threads < 0) {
            throw new ConfigurationException("threads must be 'auto' (" + AUTO + ") or an integer >= 1, got "
                    + threads);
        }
    }

    /** @return automatic threads on the CPU */
    public static BackendOptions defaults() {
        return new BackendOptions(AUTO, Device.CPU);
    }

    /**
     * @param description what {@code auto} and a count mean on this backend, for {@code fm list}
     * @return the text parameter {@code threads}, default {@code auto}
     */
    public static ParamSpec threadsParameter(String description) {
        return ParamSpec.text(THREADS, "auto", description);
    }

    /**
     * @param description which devices this backend can open, for {@code fm list}
     * @return the text parameter {@code device}, default {@code cpu}
     */
    public static ParamSpec deviceParameter(String description) {
        return ParamSpec.text(DEVICE, Device.CPU.toString(), description);
    }

    /**
     * @param backend the backend's name, prefixed to messages, e.g. {@code djl}
     * @param params parameters declaring {@link #threadsParameter} and {@link #deviceParameter}
     * @return the options
     * @throws ConfigurationException naming the bad value
     */
    public static BackendOptions parse(String backend, ComponentParams params) {
        return parse(backend, params.text(THREADS), params.text(DEVICE));
    }

    /**
     * @param backend the backend's name, prefixed to messages, e.g. {@code djl}
     * @param threads {@code auto} (any case, blanks around ignored) or an integer {@code >= 1}
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the options
     * @throws ConfigurationException naming the bad value, e.g.
     *     {@code djl: threads must be 'auto' or an integer >= 1, got 'lots'}
     */
    public static BackendOptions parse(String backend, String threads, String device) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(device, "device");
        int n;
        String t = threads.trim().toLowerCase(Locale.ROOT);
        String bad = backend + ": threads must be 'auto' or an integer >= 1, got '" + threads + "'";
        if (t.equals("auto")) {
            n = AUTO;
        } else {
            try {
                n = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new ConfigurationException(bad, e);
            }
            if (n < 1) {
                throw new ConfigurationException(bad);
            }
        }
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(backend + ": " + e.getMessage(), e);
        }
        return new BackendOptions(n, d);
    }

    /** @return whether the backend chooses the thread count */
    public boolean autoThreads() {
        return threads == AUTO;
    }
}
