package org.fmjvm.core;

import java.util.Objects;

/**
 * What a run is made of: one component of each kind, chosen by name, and the one seed every random
 * draw derives from. Defaults: the highest-ranked backend on the class path, {@code cond-ot},
 * {@code independent}, {@code euler}, {@code uniform}, seed 0.
 *
 * @param backend the numerical engine, e.g. {@code djl}; a {@code null} name picks the highest rank
 * @param path the probability path, e.g. {@code cond-ot}
 * @param coupling how source and data points are paired, e.g. {@code independent}
 * @param solver the ODE solver for sampling, e.g. {@code euler}
 * @param timeSampler the training-time sampler of {@code t}, e.g. {@code uniform}
 * @param seed the run's seed
 */
public record FmConfig(ComponentChoice backend, ComponentChoice path, ComponentChoice coupling,
        ComponentChoice solver, ComponentChoice timeSampler, long seed) {

    /** Default path name. */
    public static final String DEFAULT_PATH = "cond-ot";
    /** Default coupling name. */
    public static final String DEFAULT_COUPLING = "independent";
    /** Default solver name. */
    public static final String DEFAULT_SOLVER = "euler";
    /** Default time-sampler name. */
    public static final String DEFAULT_TIME_SAMPLER = "uniform";

    /** Fills unnamed choices (except the backend, chosen by rank) with the defaults. */
    public FmConfig {
        Objects.requireNonNull(backend, "backend");
        path = named(path, DEFAULT_PATH);
        coupling = named(coupling, DEFAULT_COUPLING);
        solver = named(solver, DEFAULT_SOLVER);
        timeSampler = named(timeSampler, DEFAULT_TIME_SAMPLER);
    }

    private static ComponentChoice named(ComponentChoice c, String fallback) {
        Objects.requireNonNull(c);
        return c.name() == null ? c.withName(fallback) : c;
    }

    /** @return every default, seed 0 */
    public static FmConfig defaults() {
        ComponentChoice d = ComponentChoice.byDefault();
        return new FmConfig(d, d, d, d, d, 0);
    }

    /** @param choice the backend @return this configuration with another backend */
    public FmConfig withBackend(ComponentChoice choice) {
        return new FmConfig(choice, path, coupling, solver, timeSampler, seed);
    }

    /** @param choice the path @return this configuration with another path */
    public FmConfig withPath(ComponentChoice choice) {
        return new FmConfig(backend, choice, coupling, solver, timeSampler, seed);
    }

    /** @param choice the coupling @return this configuration with another coupling */
    public FmConfig withCoupling(ComponentChoice choice) {
        return new FmConfig(backend, path, choice, solver, timeSampler, seed);
    }

    /** @param choice the solver @return this configuration with another solver */
    public FmConfig withSolver(ComponentChoice choice) {
        return new FmConfig(backend, path, coupling, choice, timeSampler, seed);
    }

    /** @param choice the time sampler @return this configuration with another time sampler */
    public FmConfig withTimeSampler(ComponentChoice choice) {
        return new FmConfig(backend, path, coupling, solver, choice, seed);
    }

    /** @param newSeed the seed @return this configuration with another seed */
    public FmConfig withSeed(long newSeed) {
        return new FmConfig(backend, path, coupling, solver, timeSampler, newSeed);
    }
}
