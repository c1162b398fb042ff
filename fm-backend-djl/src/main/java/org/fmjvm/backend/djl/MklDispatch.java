package org.fmjvm.backend.djl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;

import org.fmjvm.api.error.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the Intel MKL inside libtorch use the kernels the CPU supports on non-Intel processors.
 *
 * <p>MKL checks the CPU vendor and gives every non-Intel processor a generic code path: on this
 * project's AMD EPYC build machine libtorch's single-core sgemm ran at 105 GFLOP/s against 236
 * GFLOP/s once MKL was told to dispatch by instruction set, which made a 3x256 MLP training step
 * twice as slow as PyTorch from Python linked against OpenBLAS. The bundled one-function library
 * {@code libfm_mkl_dispatch.so} (source in {@code src/main/native}) answers MKL's vendor question;
 * loaded into the global symbol scope before the PyTorch engine, it takes precedence over MKL's own
 * answer. MKL still reads the CPU's feature bits to pick a kernel, so a CPU without AVX-512 gets its
 * AVX2 kernels.
 *
 * <p>Process-wide by nature: the library must be loaded before libtorch and cannot be unloaded, so
 * the first {@code djl} backend opened in a process decides, and the state lives in static fields
 * guarded by the class lock. Nothing happens on Intel CPUs, on other operating systems or
 * architectures, with {@code mkl-dispatch=off}, or when libtorch was already loaded by other code.
 */
final class MklDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(MklDispatch.class);
    private static final String RESOURCE = "native/linux-x86_64/libfm_mkl_dispatch.so";
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;

    /** MKL_CBWR_AUTO | MKL_CBWR_STRICT: the best kernels, bitwise identical for any thread count. */
    private static final int CBWR_AUTO_STRICT = 0x2 | 0x10000;

    /** Keeps the shim referenced (and loaded) for the life of the process. */
    private static NativeLibrary shim;
    private static String status;
    private static String reproducibility;

    /** Whether to apply the fix. */
    enum Mode {
        /** On non-Intel x86-64 Linux CPUs (the default). */
        AUTO,
        /** Never: MKL's own vendor check stands. */
        OFF;

        static Mode parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("auto")) {
                return AUTO;
            }
            if (t.equals("off")) {
                return OFF;
            }
            throw new ConfigurationException("djl: mkl-dispatch must be 'auto' or 'off', got '" + text + "'");
        }
    }

    private MklDispatch() {
    }

    /**
     * Loads the shim if {@code mode} and the machine call for it; call before the PyTorch engine
     * loads. Only the first call in a process can have an effect.
     *
     * @param mode the user's choice
     * @return what was done, for the backend's description
     */
    static synchronized String prepare(Mode mode) {
        if (status != null) {
            return status;
        }
        status = decide(mode);
        LOG.debug("MKL dispatch: {}", status);
        return status;
    }

    private static String decide(Mode mode) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "MKL default dispatch (not linux-x86_64)";
        }
        String vendor = cpuVendor();
        if (vendor.equals("GenuineIntel")) {
            return "MKL default dispatch (Intel CPU)";
        }
        if (mode == Mode.OFF) {
            return "MKL default dispatch on " + vendor + " (mkl-dispatch=off)";
        }
        if (libtorchLoaded()) {
            return "MKL default dispatch on " + vendor + " (libtorch was loaded before fm-backend-djl)";
        }
        try (InputStream in = MklDispatch.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "MKL default dispatch (shim missing from the jar)";
            }
            Path file = Files.createTempFile("fm-mkl-dispatch-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            shim = NativeLibrary.getInstance(file.toString(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
            return "MKL dispatch by instruction set on " + vendor;
        } catch (IOException | UnsatisfiedLinkError e) {
            LOG.warn("could not load the MKL dispatch shim, keeping MKL's default kernels: {}", e.toString());
            return "MKL default dispatch (shim failed to load: " + e.getMessage() + ")";
        }
    }

    /**
     * Puts MKL in strict conditional-reproducibility mode (once per process, right after the engine
     * loads, before any matrix product): matrix products then give bitwise-identical results for any
     * thread count. Without it, MKL's AVX-512 kernels split long reductions (for example the weight
     * gradient's sum over a batch of 4096) between threads, so a run whose thread count the governor
     * changes would not reproduce bit for bit.
     *
     * @param libtorchDir the folder holding libtorch_cpu.so
     * @return what was done, for the backend's description
     */
    static synchronized String strictReproducibility(String libtorchDir) {
        if (reproducibility != null) {
            return reproducibility;
        }
        try {
            NativeLibrary torch = NativeLibrary.getInstance(Path.of(libtorchDir, "libtorch_cpu.so").toString());
            int code = torch.getFunction("mkl_serv_cbwr_set").invokeInt(new Object[] {CBWR_AUTO_STRICT});
            reproducibility = code == 0 ? "MKL strict reproducibility"
                    : "MKL reproducibility mode refused (code " + code + ")";
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            reproducibility = "MKL reproducibility mode unavailable (" + e.getMessage() + ")";
        }
        LOG.debug("{}", reproducibility);
        return reproducibility;
    }

    /**
     * @param libtorchDir the folder holding libtorch_cpu.so, once the engine is loaded
     * @return MKL's CPU class ({@code mkl_serv_cpu_detect}; 0 is its generic path), or -1 if unknown
     */
    static int detectedCpuClass(String libtorchDir) {
        try {
            NativeLibrary torch = NativeLibrary.getInstance(Path.of(libtorchDir, "libtorch_cpu.so").toString());
            return torch.getFunction("mkl_serv_cpu_detect").invokeInt(new Object[0]);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    private static String cpuVendor() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("vendor_id")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static boolean libtorchLoaded() {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            return maps.stream().anyMatch(l -> l.contains("libtorch_cpu"));
        } catch (IOException e) {
            return false;
        }
    }
}
