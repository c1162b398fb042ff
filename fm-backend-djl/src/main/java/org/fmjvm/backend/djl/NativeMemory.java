package org.fmjvm.backend.djl;

import java.util.Locale;

import com.sun.jna.NativeLibrary;

import org.fmjvm.api.error.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets glibc's allocator keep freed memory for reuse, for libtorch's CPU tensors.
 *
 * <p>libtorch takes every CPU tensor from {@code posix_memalign} and gives it back with {@code free}.
 * With glibc's defaults a buffer above its mmap threshold (128 KiB at first) is mapped fresh from
 * the kernel and unmapped when freed, and freed memory at the top of the heap is handed back; so a
 * training step at batch 4096, whose activations are 4 MiB each, faults in and zeroes tens of
 * megabytes of new pages every step. On the 2-core virtual machines this project is built on that
 * made the step erratic: 44 and 65 ms in two runs, against 19 and 31 ms with freed memory kept
 * (and PyTorch from Python showed the same effect). Raising the mmap threshold to glibc's maximum
 * (32 MiB on 64-bit) and the trim threshold to 1 GiB keeps those buffers in the heap and reuses
 * them; results are unchanged, only where the bytes come from. The price: memory freed by a large
 * run stays with the process (as it does in PyTorch's own caching allocators).
 *
 * <p>Process-wide by nature ({@code mallopt}), so the first {@code djl} backend opened in a process
 * decides; nothing happens outside linux with glibc, or with {@code malloc=default}. The state lives
 * in a static field guarded by the class lock.
 */
final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's largest mmap threshold on 64-bit systems (half its heap size). */
    private static final int MMAP_THRESHOLD = 32 << 20;
    private static final int TRIM_THRESHOLD = 1 << 30;

    private static String status;

    /** Whether to tune the allocator. */
    enum Mode {
        /** Keep freed memory for reuse (the default). */
        KEEP,
        /** Leave glibc's defaults. */
        DEFAULT;

        static Mode parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("keep")) {
                return KEEP;
            }
            if (t.equals("default")) {
                return DEFAULT;
            }
            throw new ConfigurationException("djl: malloc must be 'keep' or 'default', got '" + text + "'");
        }
    }

    private NativeMemory() {
    }

    /**
     * Applies {@code mode} once per process.
     *
     * @param mode the user's choice
     * @return what was done, for the backend's description
     */
    static synchronized String prepare(Mode mode) {
        if (status == null) {
            status = apply(mode);
            LOG.debug("native memory: {}", status);
        }
        return status;
    }

    private static String apply(Mode mode) {
        if (mode == Mode.DEFAULT) {
            return "glibc malloc defaults (malloc=default)";
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "system malloc defaults (not linux)";
        }
        try {
            NativeLibrary libc = NativeLibrary.getInstance("c");
            int mmap = libc.getFunction("mallopt").invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD});
            int trim = libc.getFunction("mallopt").invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD});
            return mmap == 1 && trim == 1 ? "freed native memory kept for reuse"
                    : "malloc tuning refused (mallopt gave " + mmap + ", " + trim + ")";
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "malloc defaults (mallopt unavailable: " + e.getMessage() + ")";
        }
    }
}
