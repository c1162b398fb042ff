/**
 * Probability paths: how a pair {@code (x0, x1)} and a time {@code t} give a point {@code x_t} on
 * the path and its conditional velocity {@code dx_t}; schedulers for affine paths; time samplers.
 */
package org.fmjvm.api.path;
