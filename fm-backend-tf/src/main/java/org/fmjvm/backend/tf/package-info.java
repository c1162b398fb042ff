/**
 * The TensorFlow backend ({@code tf}): tensors and scopes over TensorFlow eager tensor handles driven
 * through TF Java's C API bindings, the MLP as TensorFlow functions built with TF Java's graph API
 * (forward, loss, divergence probe, and a training step with a hand-written Adam), and a fixed
 * TensorFlow thread configuration ({@code TfThreads}).
 */
package org.fmjvm.backend.tf;
