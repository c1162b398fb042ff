package org.fmjvm.api;

/** Element type of a {@link Tensor}. Models train in {@link #FLOAT32}; metrics may use {@link #FLOAT64}. */
public enum DType {
    /** 32-bit IEEE float. */
    FLOAT32,
    /** 64-bit IEEE float. */
    FLOAT64
}
