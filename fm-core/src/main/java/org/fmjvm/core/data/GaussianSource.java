package org.fmjvm.core.data;

import java.util.Optional;

import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;

/**
 * The flow's default source {@code p0 = N(0, I_dim)} (at {@code t = 0}): sampling and exact log
 * density {@code log p0(x) = -dim/2 log(2 pi) - |x|^2 / 2}.
 *
 * <p>Sampling takes {@code n * dim} normals from {@link Rng#nextGaussian()}, row by row: the same
 * values as {@link Rng#normals(int) rng.normals(n * dim)}.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class GaussianSource extends AbstractDataset {

    private final LogDensity density;

    /** The name this source reports. */
    public static final String NAME = "standard-normal";

    /** @param dim the dimension, {@code >= 1} */
    public GaussianSource(int dim) {
        super(NAME, checkedDim(dim));
        this.density = LogDensity.standardNormal(dim);
    }

    private static int checkedDim(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
        }
        return dim;
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        for (int d = 0; d < dim(); d++) {
            out[at + d] = (float) rng.nextGaussian();
        }
    }

    /**
     * @param points row-major points of dimension {@link #dim()}
     * @param row the row
     * @return {@code log p0(x_row)} in nats, in float64
     */
    public double logDensityAt(float[] points, int row) {
        rowStart(points, row);
        return density.at(points, row);
    }

    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.of(density);
    }

    @Override
    public String describe() {
        return NAME + ": N(0, I_" + dim() + ")";
    }
}
