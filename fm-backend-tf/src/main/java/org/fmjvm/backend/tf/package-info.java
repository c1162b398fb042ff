/**
 * The TensorFlow backend ({@code tf}): tensors, scopes and stores over TensorFlow eager tensor
 * handles driven through TF Java's C API bindings, functions over the op set traced into TensorFlow
 * functions with symbolic gradients ({@code TfTrace}, {@code TfCompiled}), the MLP as TensorFlow
 * functions built with TF Java's graph API (forward, loss, divergence probe, and a training step
 * with a hand-written Adam), and a fixed TensorFlow thread configuration ({@code TfThreads}).
 */
package org.fmjvm.backend.tf;
