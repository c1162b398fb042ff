/**
 * The gradient and compilation contract every backend implements: value-and-gradients of a scalar
 * function, vector-Jacobian products, compiled functions (eager on {@code djl}, traced graph
 * functions on {@code tf}) and an optional fused optimizer kernel. Networks, losses and optimizers
 * are written once over this contract and {@link org.fmjvm.api.Tensor}'s op set (module fm-nn).
 */
package org.fmjvm.api.autodiff;
