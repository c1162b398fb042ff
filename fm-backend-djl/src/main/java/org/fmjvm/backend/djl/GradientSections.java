package org.fmjvm.backend.djl;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;

import org.fmjvm.api.error.BackendException;

/**
 * Runs code that records and back-propagates gradients inside a DJL {@link GradientCollector}.
 *
 * <p>DJL's PyTorch collector is a process-wide singleton (a static flag; a second collector open
 * at the same time throws), so sections are serialised by one process-wide lock: two models
 * training on two threads wait for each other instead of failing. The lock is static because the
 * constraint it guards is static in DJL.
 */
final class GradientSections {
    private static final ReentrantLock LOCK = new ReentrantLock();

    private GradientSections() {
    }

    /**
     * @param engine the PyTorch engine
     * @param body records the forward pass and calls {@link GradientCollector#backward}
     * @param <T> what the body returns
     * @return the body's result
     * @throws BackendException if code outside this module holds a DJL collector open
     */
    static <T> T run(Engine engine, Function<GradientCollector, T> body) {
        LOCK.lock();
        try {
            GradientCollector collector;
            try {
                collector = engine.newGradientCollector();
            } catch (IllegalStateException e) {
                throw new BackendException("another DJL GradientCollector is open in this process (DJL allows one at"
                        + " a time); close it before training or computing divergences with fm-backend-djl", e);
            }
            try (collector) {
                return body.apply(collector);
            }
        } finally {
            LOCK.unlock();
        }
    }
}
