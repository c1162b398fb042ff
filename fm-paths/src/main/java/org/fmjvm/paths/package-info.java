/**
 * Probability paths, schedulers and training-time samplers contributed as plugins.
 *
 * <p>Schedulers for {@link org.fmjvm.api.path.AffinePath} ({@code x_t = alpha_t x1 + sigma_t x0}):
 * conditional OT ({@code cond-ot}), polynomial ({@code poly}), variance preserving ({@code vp}),
 * linear variance preserving ({@code linear-vp}) and cosine ({@code cosine}). Gaussian conditional
 * paths with a width: Lipman et al.'s OT path ({@code gaussian-ot}) and the Brownian bridge of
 * Schrödinger-bridge CFM ({@code brownian-bridge}). Time samplers: {@code uniform} and
 * {@code logit-normal}. Convention: {@code t = 0} is the source (noise), {@code t = 1} the data.
 *
 * <p>Where a derivative is infinite at an end of [0, 1], it is evaluated {@code 1e-5} inside that
 * end, so no target is NaN or infinite; each class says where this applies. Every class here is
 * immutable and thread-safe.
 */
package org.fmjvm.paths;
