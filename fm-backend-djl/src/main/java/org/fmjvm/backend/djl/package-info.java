/** The PyTorch backend through DJL: tensors, scopes, the MLP, Adam and an adaptive native thread policy. */
package org.fmjvm.backend.djl;
