package org.fmjvm.api;

/** Optional abilities a {@link Backend} may report in {@link Backend#capabilities()}. */
public enum Capability {
    /** Runs on a GPU. */
    GPU,
    /** Computes exact input gradients, so {@code VelocityModel.divergence} is exact. */
    EXACT_DIVERGENCE,
    /** Supports {@link DType#FLOAT64} tensors. */
    FLOAT64
}
