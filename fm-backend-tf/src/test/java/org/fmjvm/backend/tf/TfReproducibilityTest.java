package org.fmjvm.backend.tf;

import java.nio.file.Path;
import java.util.Map;

import org.fmjvm.testkit.Fingerprint;
import org.fmjvm.testkit.FingerprintChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code tf} backend promises about repeating a run: with the same seed and the same
 * thread count on the same machine, training and inference are bitwise identical, in one process
 * and across processes; with another thread count they agree to within float32 rounding, not
 * bitwise.
 *
 * <p>Why not bitwise across thread counts: TensorFlow sends every matrix product to oneDNN's sgemm,
 * which picks its kernel by the CPU's instruction set and splits the output into tiles between
 * threads (never the inner dimension, under TensorFlow's thread pool). The AVX-512 kernel sums every
 * output element in one fused multiply-add chain in the same order whatever tile it falls in, so
 * results did not depend on the thread count there. The AVX2 kernel sums the elements of edge tiles
 * (up to 8 rows, or 1 to 3 columns, as in the MLP's 2- and 3-wide input and output layers) with two
 * accumulators or without fused multiply-adds; with two threads the tile boundaries move, and the
 * elements next to them are rounded differently. A test that asserted bitwise equality therefore
 * passed on AVX-512 machines and failed on AVX2 ones. Each configuration runs here twice: with the
 * CPU's own instruction set and with oneDNN limited to AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}, read
 * when TensorFlow loads), so an AVX-512 machine checks the AVX2 kernels too. TensorFlow sizes its intra-op pool once per process, so
 * each thread count runs in its own child JVM.
 */
class TfReproducibilityTest {

    /**
     * Largest relative difference allowed between thread counts. Measured: 3.6e-7 with oneDNN
     * limited to AVX2 on an AVX-512 machine, a few float32 ulps carried through 30 Adam steps; a
     * wrong kernel result would be orders of magnitude larger.
     */
    private static final double ACROSS_THREAD_COUNTS = 1e-4;

    @TempDir
    Path dir;

    @Test
    void withTheCpusInstructionSet() throws Exception {
        check(Map.of(), "native");
    }

    @Test
    void withOneDnnLimitedToAvx2() throws Exception {
        check(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"), "avx2");
    }

    private void check(Map<String, String> env, String label) throws Exception {
        Fingerprint[] one = FingerprintChild.run(env, dir.resolve(label + "-1"), 2, "threads=1");
        Fingerprint[] two = FingerprintChild.run(env, dir.resolve(label + "-2"), 1, "threads=2");
        Fingerprint[] twoAgain = FingerprintChild.run(env, dir.resolve(label + "-2b"), 1, "threads=2");
        one[0].assertReproducedBy(one[1], label + ", 1 thread, twice in one process");
        two[0].assertReproducedBy(twoAgain[0], label + ", 2 threads, in two processes");
        one[0].assertAgrees(two[0], ACROSS_THREAD_COUNTS, label + ", 1 against 2 threads");
    }
}
