package org.fmjvm.api.data;

import java.util.Optional;

import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;

/**
 * A distribution over points of {@link #dim()} coordinates that can be sampled: the flow's target
 * {@code q} (at {@code t = 1}) or its source {@code p0} (at {@code t = 0}).
 *
 * <p>Points are row-major {@code float[]} arrays: {@code n} rows of {@code dim} coordinates, row
 * {@code i} in elements {@code [i * dim, (i + 1) * dim)}.
 *
 * <p>Data sets are plugins of kind {@link org.fmjvm.api.spi.ComponentKind#DATASET}, chosen by name;
 * fm-testkit's {@code DatasetContract} checks an implementation.
 *
 * <p>Thread safety: implementations are immutable and thread-safe; the {@link Rng} passed to
 * {@link #sample} is not, so give each thread its own.
 */
public interface Dataset {

    /** @return the stable name, e.g. {@code four-gaussians}, or the path of a CSV file */
    String name();

    /** @return the number of coordinates of a point, {@code >= 1} */
    int dim();

    /**
     * Draws {@code n} independent points. Every draw comes from {@code rng}, so the same generator
     * state gives the same points.
     *
     * @param n how many points, {@code >= 0}
     * @param rng the generator to draw from
     * @return a new row-major array of {@code n * dim()} coordinates
     * @throws IllegalArgumentException if {@code n < 0}
     */
    float[] sample(int n, Rng rng);

    /** @return the exact log density in nats, where it has a closed form */
    Optional<LogDensity> logDensity();

    /** @return one line for run summaries, e.g. {@code moons: two interleaved half circles, ...} */
    String describe();
}
