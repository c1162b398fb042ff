package org.fmjvm.core.data;

import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;

/**
 * What every data set of this package shares: its name and dimension, the checks on
 * {@link #sample}'s arguments and the row-major output array, filled one point at a time by
 * {@link #drawPoint}, no log density unless a subclass has one, and {@link #toString()} as
 * {@link #describe()}.
 *
 * <p>Package-private: the public data sets extending it are final.
 */
abstract class AbstractDataset implements Dataset {

    private final String name;
    private final int dim;

    /**
     * @param name the name {@link #name()} reports
     * @param dim the number of coordinates of a point, {@code >= 1}
     */
    AbstractDataset(String name, int dim) {
        this.name = Objects.requireNonNull(name, "name");
        this.dim = dim;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int dim() {
        return dim;
    }

    @Override
    public final float[] sample(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("number of points must be >= 0, got " + n);
        }
        Objects.requireNonNull(rng, "rng");
        float[] out = new float[Math.multiplyExact(n, dim)];
        for (int i = 0; i < n; i++) {
            drawPoint(rng, out, i * dim);
        }
        return out;
    }

    /**
     * Draws one point: the {@code dim()} coordinates {@code out[at .. at + dim())}, in the draw
     * order the subclass documents.
     *
     * @param rng the generator to draw from
     * @param out the output array
     * @param at the index of the point's first coordinate
     */
    abstract void drawPoint(Rng rng, float[] out, int at);

    /** @return empty: no closed-form density, unless a subclass overrides this */
    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.empty();
    }

    @Override
    public final String toString() {
        return describe();
    }

    /**
     * @param points row-major points of dimension {@link #dim()}
     * @param row a row
     * @return the index of the row's first coordinate
     * @throws ArrayIndexOutOfBoundsException if the row is not in the array
     */
    final int rowStart(float[] points, int row) {
        int base = row * dim;
        if (row < 0 || base + dim > points.length) {
            throw new ArrayIndexOutOfBoundsException("row " + row + " is not in an array of "
                    + points.length / dim + " points of dimension " + dim);
        }
        return base;
    }
}
