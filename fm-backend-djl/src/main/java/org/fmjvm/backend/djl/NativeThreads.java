package org.fmjvm.backend.djl;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Per-thread native settings of libtorch, applied lazily: the intra-op (OpenMP) thread count and
 * autograd's grad mode are both properties of the calling OS thread, so they are set on the
 * thread that is about to run native work, and only when they change.
 *
 * <p>The one piece of static state in this module: a {@link ThreadLocal} mirror of the calling
 * thread's OpenMP thread count. It mirrors native per-thread state that libtorch itself keeps, so
 * it cannot belong to one backend instance (two backends on one thread would otherwise disagree
 * about what is set). If other code calls {@code JniUtils.setNumThreads} directly, the mirror may
 * be stale until the next change.
 */
final class NativeThreads {
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[1]);

    private NativeThreads() {
    }

    /**
     * Sets the calling thread's intra-op thread count unless it already has that value.
     *
     * @param threads the count, {@code >= 1}
     */
    static void use(int threads) {
        int[] current = CURRENT.get();
        if (current[0] != threads) {
            JniUtils.setNumThreads(threads);
            current[0] = threads;
        }
    }

    /**
     * Turns autograd recording off on the calling thread. libtorch starts every new thread with
     * grad mode on; DJL turns it off only on the thread that loaded the engine, so inference on any
     * other thread would record a graph through the weights without this.
     */
    static void noGrad() {
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }
}
