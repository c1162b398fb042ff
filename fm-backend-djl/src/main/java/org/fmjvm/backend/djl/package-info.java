/**
 * The PyTorch backend through DJL ({@code djl}): tensors and scopes over DJL's NDArray and
 * NDManager, the MLP as raw weight arrays with fused {@code addmm} layers, Adam through DJL's fused
 * native update with PyTorch's semantics, and an adaptive native thread policy
 * ({@code ThreadGovernor}).
 */
package org.fmjvm.backend.djl;
