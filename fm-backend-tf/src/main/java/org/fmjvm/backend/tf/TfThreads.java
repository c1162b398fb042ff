package org.fmjvm.backend.tf;

import java.util.concurrent.atomic.AtomicInteger;

import org.fmjvm.api.backend.BackendOptions;

/**
 * TensorFlow's thread settings for one backend, and the one piece of process-wide state they need.
 *
 * <p><b>What TensorFlow allows.</b> TensorFlow runs a kernel's inner loops (matrix products,
 * elementwise work on large tensors, reductions) on an intra-op thread pool, and schedules
 * independent operations of a function on an inter-op pool. The intra-op pool is created once per
 * process, sized by the {@code intra_op_parallelism_threads} of the first eager context or session
 * that creates a CPU device; later settings are ignored. Measured here with two backends in one JVM:
 * opened 1-then-2 threads, both ran the 10,000-row forward pass in 17 ms using 1.05 cores; opened
 * 2-then-1, both took 12.6 ms using 1.9 cores. Only the environment variable
 * {@code TF_OVERRIDE_GLOBAL_THREADPOOL} changes that, and it must be set before the JVM starts. The
 * inter-op pool belongs to each eager context, so it is per backend.
 *
 * <p><b>Why there is no adaptive policy.</b> fm-backend-djl switches per call between 1 and N
 * OpenMP threads because OpenMP's spin-waiting collapses under load. TensorFlow's pools block
 * instead of spinning: on this 2-core machine, with one or two {@code yes} processes competing, 2
 * intra-op threads stayed as fast as 1 or faster at batch 4096 (20 vs 19 ms with one competitor,
 * 31 vs 35 ms with two) and within 0.3 ms at batch 256; nothing collapsed. With no collapse to avoid
 * and no way to change the intra-op count per call, a fixed choice is right, and
 * {@code ThreadGovernor} stays in fm-backend-djl.
 *
 * <p><b>The choice.</b> {@code auto}: intra-op threads = cores (at most 4), inter-op threads =
 * min(cores, 2). Per step of the tutorial MLP on 2 idle cores (medians over several runs, which
 * varied by about 25% between runs): 2 intra + 2 inter threads took 1.2-1.6 ms at batch 256, 11-14
 * ms at batch 4096 and 9-12 ms for a 10,000-row forward pass; 1 + 1 took 1.3, 19 and 17 ms; 1 + 2
 * took 1.0, 14 and 18 ms. Sampling is forward passes over many points, so the two intra-op threads
 * win overall; pin {@code threads=1} for small batches on a busy machine. A fixed count {@code N}
 * gives N intra-op and min(N, 2) inter-op threads.
 *
 * <p><b>Reproducibility.</b> With the same seed and the same thread count on the same machine, runs
 * are bitwise identical ({@code auto} always gives the same count on one machine). Another thread
 * count gives results that agree to within float32 rounding but not bitwise: on CPUs without
 * AVX-512, oneDNN's AVX2 matrix-product kernel rounds the elements at the edges of each thread's
 * tile differently, and the tiles move with the thread count. {@code TfReproducibilityTest} checks
 * both statements, with the CPU's own kernels and with oneDNN limited to AVX2.
 *
 * <p><b>Static state.</b> {@link #claimIntraOp} records the intra-op count that sized TensorFlow's
 * process-wide pool, so that every backend can report the count really in effect. It mirrors
 * process-wide native state and therefore cannot belong to a backend instance. If other code in the
 * JVM creates a TensorFlow session before the first {@code tf} backend, the record is wrong and
 * nothing can detect it.
 *
 * @param intraOp the intra-op threads asked for
 * @param interOp the inter-op threads of this backend's context
 * @param auto whether they were chosen from the machine
 */
record TfThreads(int intraOp, int interOp, boolean auto) {
    private static final int MAX_AUTO_THREADS = 4;
    private static final AtomicInteger PROCESS_INTRA_OP = new AtomicInteger();

    /**
     * @param options the backend options
     * @param cores the available processors
     * @return the thread settings for those options
     */
    static TfThreads of(BackendOptions options, int cores) {
        if (options.autoThreads()) {
            return new TfThreads(Math.max(1, Math.min(MAX_AUTO_THREADS, cores)), Math.max(1, Math.min(2, cores)), true);
        }
        return new TfThreads(options.threads(), Math.min(2, options.threads()), false);
    }

    /**
     * Records the intra-op count that sizes TensorFlow's process-wide pool, the first time any
     * backend asks.
     *
     * @param wanted the count this backend asks for
     * @return the count in effect for the whole process
     */
    static int claimIntraOp(int wanted) {
        PROCESS_INTRA_OP.compareAndSet(0, wanted);
        return PROCESS_INTRA_OP.get();
    }

    /**
     * @param effectiveIntraOp the intra-op count in effect for the process
     * @return e.g. {@code auto (2 intra-op, 2 inter-op)} or {@code 1 (1 intra-op, 1 inter-op)}
     */
    String describe(int effectiveIntraOp) {
        return (auto ? "auto" : Integer.toString(intraOp)) + " (" + effectiveIntraOp + " intra-op"
                + (effectiveIntraOp != intraOp ? " fixed by an earlier backend in this process" : "") + ", "
                + interOp + " inter-op)";
    }
}
