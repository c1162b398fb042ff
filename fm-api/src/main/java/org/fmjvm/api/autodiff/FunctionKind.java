package org.fmjvm.api.autodiff;

/**
 * What a compiled function does, so a backend can pick native threads and gradient recording for
 * it (the {@code djl} backend's thread governor sizes each kind differently).
 */
public enum FunctionKind {
    /** Inference: no gradient recorded. */
    FORWARD,
    /** A loss without an update: no gradient recorded. */
    LOSS,
    /** Loss, gradients and an optimizer update. */
    TRAIN_STEP,
    /** One backward pass per dimension: the exact divergence. */
    DIVERGENCE,
    /** One backward pass: Hutchinson's estimate or a vector-Jacobian product. */
    DIVERGENCE_ESTIMATE
}
