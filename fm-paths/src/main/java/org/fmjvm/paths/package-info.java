/**
 * Probability paths contributed as plugins: schedulers for {@link org.fmjvm.api.path.AffinePath}
 * (conditional OT, {@code cond-ot}) and training-time samplers of {@code t} ({@code uniform}).
 */
package org.fmjvm.paths;
