/**
 * Neutral model descriptions ({@link org.fmjvm.api.model.ModelSpec},
 * {@link org.fmjvm.api.model.OptimizerSpec}), host-side weights
 * ({@link org.fmjvm.api.model.ModelWeights}) and the models a backend builds from them.
 */
package org.fmjvm.api.model;
