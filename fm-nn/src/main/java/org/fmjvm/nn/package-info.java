/**
 * Networks, losses and optimizers written once over fm-api's op set and gradient contract, Keras-3
 * style: {@link org.fmjvm.nn.Network} and its layers ({@link org.fmjvm.nn.Linear},
 * {@link org.fmjvm.nn.Mlp}, {@link org.fmjvm.nn.Layers} time features,
 * {@link org.fmjvm.nn.ClassEmbedding}), {@link org.fmjvm.nn.CfmLoss}, {@link org.fmjvm.nn.Adam}
 * with global-norm clipping, {@link org.fmjvm.nn.Ema}, and the models that run them on any backend
 * ({@link org.fmjvm.nn.NetworkModel}, {@link org.fmjvm.nn.TrainableNetworkModel}). A backend only
 * supplies tensors, op kernels, gradients and compilation.
 */
package org.fmjvm.nn;
