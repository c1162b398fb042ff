package org.fmjvm.backend.djl;

import java.nio.file.Path;
import java.util.Map;

import org.fmjvm.api.Device;
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.testkit.Fingerprint;
import org.fmjvm.testkit.FingerprintChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes the adaptive thread policy safe for reproducibility: training and inference pinned to
 * 1 thread and pinned to 2 threads give bitwise-identical results, at batch sizes where libtorch
 * does split the work between threads (see {@link Fingerprint}).
 *
 * <p>Why it holds: matrix products run in MKL, which the backend puts in strict conditional
 * reproducibility mode, documented to give bitwise-identical ?gemm results for any thread count on
 * its AVX2 and AVX-512 code branches; ATen's elementwise kernels compute each element alone; and
 * ATen splits a full reduction (one output) of 32,768 elements or more between threads, so the
 * backend computes those (the loss mean, the global gradient norm of clipping) on one thread.
 *
 * <p>The claim is checked twice: with the CPU's own instruction set, and in a child JVM whose MKL
 * and ATen kernels are limited to AVX2 ({@code MKL_ENABLE_INSTRUCTIONS=AVX2},
 * {@code ATEN_CPU_CAPABILITY=avx2}, read when libtorch loads), so that an AVX-512 machine checks
 * the AVX2 code branches as well. If it fails on a machine, {@code threads=auto} there can make runs
 * with the same seed differ in the last bits; pin {@code threads} for exact reproducibility.
 */
class ThreadInvarianceTest {

    @TempDir
    Path dir;

    @Test
    void bitwiseIdenticalWithOneAndTwoThreads() {
        Fingerprint one;
        Fingerprint two;
        try (DjlBackend b = DjlBackend.open(new BackendOptions(1, Device.CPU))) {
            one = Fingerprint.of(b);
        }
        try (DjlBackend b = DjlBackend.open(new BackendOptions(2, Device.CPU))) {
            two = Fingerprint.of(b);
        }
        one.assertReproducedBy(two, "1 against 2 threads");
    }

    @Test
    void bitwiseIdenticalWithOneAndTwoThreadsOnTheAvx2Kernels() throws Exception {
        Map<String, String> avx2 = Map.of("MKL_ENABLE_INSTRUCTIONS", "AVX2", "ATEN_CPU_CAPABILITY", "avx2");
        Fingerprint one = FingerprintChild.run(avx2, dir.resolve("one"), 1, "threads=1")[0];
        Fingerprint two = FingerprintChild.run(avx2, dir.resolve("two"), 1, "threads=2")[0];
        one.assertReproducedBy(two, "AVX2 kernels, 1 against 2 threads");
    }
}
