package org.fmjvm.api.path;

/**
 * The schedule {@code (alpha_t, sigma_t)} of an affine path {@code x_t = alpha_t x1 + sigma_t x0},
 * with closed-form time derivatives. Usually {@code alpha_0 = 0, sigma_0 = 1} (all source) and
 * {@code alpha_1 = 1, sigma_1 = 0} (all data). Compose with {@link AffinePath}:
 * {@code new AffinePath(new CondOtScheduler())}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Scheduler {

    /**
     * @param t a time in [0, 1]
     * @return {@code alpha, sigma} and their derivatives at {@code t}
     */
    SchedulerOutput at(double t);

    /** @return one line, e.g. {@code alpha = t, sigma = 1 - t} */
    String describe();
}
