package org.fmjvm.core.data;

import java.util.Objects;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;

/**
 * The empirical distribution of rows held in memory, for example a table's training rows after
 * normalisation: sampling draws rows uniformly with replacement ({@code rng.nextInt(size())} per
 * point, as {@link CsvDataset} does), and it has no closed-form density.
 *
 * <p>Thread safety: immutable and thread-safe (the rows are copied).
 */
public final class EmpiricalDataset extends AbstractDataset {

    private final float[] points;
    private final int size;
    private final String description;

    private EmpiricalDataset(String name, float[] points, int size, int dim, String description) {
        super(name, dim);
        this.points = points;
        this.size = size;
        this.description = description;
    }

    /**
     * @param name the name runs and checkpoints report
     * @param points row-major {@code rows x dim}, finite
     * @param dim the number of coordinates of a row, {@code >= 1}
     * @param description the line {@link #describe()} returns
     * @return the distribution of these rows
     * @throws DataException if there are no rows, the length is not a multiple of {@code dim}, or a
     *     value is not finite
     */
    public static EmpiricalDataset of(String name, float[] points, int dim, String description) {
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(description, "description");
        if (dim < 1) {
            throw new DataException("dimension must be >= 1, got " + dim);
        }
        if (points.length == 0 || points.length % dim != 0) {
            throw new DataException(name + " needs at least one row of " + dim + " values, got " + points.length
                    + " values");
        }
        for (int i = 0; i < points.length; i++) {
            if (!Float.isFinite(points[i])) {
                throw new DataException(name + " row " + (i / dim + 1) + ", column " + (i % dim + 1) + " is "
                        + points[i] + "; every value must be finite");
            }
        }
        return new EmpiricalDataset(name, points.clone(), points.length / dim, dim, description);
    }

    /** @return the number of rows */
    public int size() {
        return size;
    }

    /** @return a copy of the rows, row-major {@code size() x dim()} */
    public float[] points() {
        return points.clone();
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        System.arraycopy(points, rng.nextInt(size) * dim(), out, at, dim());
    }

    @Override
    public String describe() {
        return description;
    }
}
