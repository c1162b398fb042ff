/**
 * The few backend-neutral types everything speaks: {@link org.fmjvm.api.Backend},
 * {@link org.fmjvm.api.Tensor} and {@link org.fmjvm.api.TensorScope}.
 *
 * <p>Convention everywhere in the framework: {@code t = 0} is the source (noise), {@code t = 1} is
 * the data. Batches are row-major: a batch of {@code B} points in {@code D} dimensions is a tensor
 * of shape {@code [B, D]}, and times are a column of shape {@code [B, 1]}.
 */
package org.fmjvm.api;
