package org.fmjvm.core.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.error.DataException;
import org.fmjvm.core.data.CsvDataset;

/**
 * Points as CSV text, in exactly the format {@link CsvDataset} reads: one point per line, no header,
 * coordinates separated by commas, each written by {@link #toText(float)} as the shortest decimal
 * that parses back to the same float, so a write followed by a read is bit-exact.
 *
 * <p>Thread safety: stateless and thread-safe.
 */
public final class PointsCsv {

    private PointsCsv() {
    }

    /**
     * Points read from a file.
     *
     * @param points row-major coordinates, {@code n * dim} of them
     * @param n the number of points
     * @param dim the number of coordinates per point
     */
    public record Points(float[] points, int n, int dim) {
        /** Validates the sizes and copies the array. */
        public Points {
            Objects.requireNonNull(points, "points");
            if (dim < 1 || n < 0 || (long) n * dim != points.length) {
                throw new IllegalArgumentException("points must hold n * dim = " + n + " * " + dim
                        + " values, got " + points.length);
            }
            points = points.clone();
        }

        /** @return a copy of the coordinates, row-major {@code n x dim} */
        @Override
        public float[] points() {
            return points.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Points p && p.n == n && p.dim == dim && Arrays.equals(p.points, points);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(points) * 31 + dim;
        }

        @Override
        public String toString() {
            return "Points[n=" + n + ", dim=" + dim + "]";
        }
    }

    /**
     * Writes points atomically (see {@link AtomicFiles}): the file either keeps its old contents or
     * gets all the new lines.
     *
     * <p>An empty array gives an empty file, which {@link #read} rejects as having no points.
     *
     * @param file the destination, e.g. {@code samples.csv}; missing parent directories are created
     * @param points row-major coordinates, a multiple of {@code dim} of them, all finite
     * @param dim the number of coordinates per point, {@code >= 1}
     * @throws DataException if a value is NaN or infinite (naming the row and column), or the file
     *     cannot be written
     */
    public static void write(Path file, float[] points, int dim) {
        write(file, points, dim, List.of());
    }

    /**
     * Writes points atomically under a header line of column names (none when the list is empty),
     * as {@link #write(Path, float[], int)} does otherwise.
     *
     * @param file the destination
     * @param points row-major coordinates, all finite
     * @param dim the number of coordinates per point
     * @param header the column names, {@code dim} of them, or an empty list for no header
     * @throws DataException if a value is not finite or the file cannot be written
     */
    public static void write(Path file, float[] points, int dim, List<String> header) {
        Objects.requireNonNull(points, "points");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (points.length % dim != 0) {
            throw new IllegalArgumentException(points.length + " values do not split into points of dimension " + dim);
        }
        requireFinite(file, points, dim, 0);
        write(file, List.of(points).iterator(), dim, header);
    }

    /**
     * Writes points that arrive in blocks, atomically (see {@link AtomicFiles}), so that a file of
     * any length is written with only one block in memory: each block is checked and written as it
     * is taken from {@code blocks}. If a block holds a value that is not finite, or producing one
     * fails, the destination keeps its old contents (or stays absent) and the exception propagates.
     *
     * @param file the destination
     * @param blocks row-major blocks of points, each a multiple of {@code dim} values, all finite
     * @param dim the number of coordinates per point
     * @param header the column names, {@code dim} of them, or an empty list for no header
     * @return the number of points written
     * @throws DataException if a value is not finite (naming its row, counted over all blocks, and
     *     column) or the file cannot be written
     */
    public static long write(Path file, Iterator<float[]> blocks, int dim, List<String> header) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(blocks, "blocks");
        Objects.requireNonNull(header, "header");
        if (!header.isEmpty() && header.size() != dim) {
            throw new IllegalArgumentException(header.size() + " column names for points of dimension " + dim);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        long[] rows = {0};
        try {
            AtomicFiles.write(file, out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                StringBuilder line = new StringBuilder(32 * dim);
                if (!header.isEmpty()) {
                    w.append(String.join(",", header)).append('\n');
                }
                while (blocks.hasNext()) {
                    float[] points = Objects.requireNonNull(blocks.next(), "block");
                    if (points.length % dim != 0) {
                        throw new IllegalArgumentException(points.length + " values do not split into points of"
                                + " dimension " + dim);
                    }
                    requireFinite(file, points, dim, rows[0]);
                    for (int r = 0; r < points.length / dim; r++) {
                        line.setLength(0);
                        for (int d = 0; d < dim; d++) {
                            if (d > 0) {
                                line.append(',');
                            }
                            line.append(toText(points[r * dim + d]));
                        }
                        line.append('\n');
                        w.append(line);
                    }
                    rows[0] += points.length / dim;
                }
                w.flush();
            });
        } catch (IOException e) {
            throw new DataException("cannot write " + file + ": " + e.getMessage()
                    + "; check that the directory is writable and the disk has space", e);
        }
        return rows[0];
    }

    /** @param firstRow the 0-based row of {@code points[0]} in the whole file, for the message */
    private static void requireFinite(Path file, float[] points, int dim, long firstRow) {
        for (int i = 0; i < points.length; i++) {
            if (!Float.isFinite(points[i])) {
                throw new DataException("cannot write " + file + ": point " + (firstRow + i / dim + 1)
                        + ", coordinate " + (i % dim + 1) + " is " + points[i]
                        + "; the points must be finite (did sampling diverge?)");
            }
        }
    }

    /**
     * The shortest decimal text that {@link Float#parseFloat} turns back into {@code v}, in
     * {@link Float#toString(float)}'s layout ({@code 0.1}, {@code 1.0}, {@code 2.5E10}, {@code 1.0E-7}).
     * It starts from {@code Float.toString}, which always round-trips but on JDK 17 sometimes carries
     * extra digits ({@code 2.49999995E10} for {@code 2.5E10f}), and drops digits while the value still
     * round-trips.
     *
     * @param v a finite float
     * @return its text, e.g. {@code -0.5}
     */
    public static String toText(float v) {
        String full = Float.toString(v);
        if (v == 0 || !Float.isFinite(v)) {
            return full;
        }
        BigDecimal exact = new BigDecimal(full);
        int digits = exact.stripTrailingZeros().precision();
        for (int p = 1; p < digits; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (Float.parseFloat(r.toString()) == v) {
                return layout(r);
            }
        }
        return full;
    }

    /** Writes a decimal like Float.toString does: plain for 1e-3 <= |v| < 1e7, else d.dddE[-]n. */
    private static String layout(BigDecimal r) {
        BigDecimal s = r.stripTrailingZeros();
        String digits = s.unscaledValue().abs().toString();
        int n = digits.length();
        int exp = n - 1 - s.scale(); // value = d.ddd x 10^exp
        StringBuilder sb = new StringBuilder(16);
        if (s.signum() < 0) {
            sb.append('-');
        }
        if (exp >= -3 && exp < 7) {
            if (exp >= 0) {
                if (n <= exp + 1) {
                    sb.append(digits).append("0".repeat(exp + 1 - n)).append(".0");
                } else {
                    sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, n);
                }
            } else {
                sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0)).append('.').append(n > 1 ? digits.substring(1) : "0").append('E').append(exp);
        }
        return sb.toString();
    }

    /**
     * Reads points with {@link CsvDataset}'s parser (so a header line, comments and blank lines are
     * accepted, and every error names the line).
     *
     * @param file the CSV file
     * @return its points
     * @throws DataException if the file is missing, unreadable, empty or malformed
     */
    public static Points read(Path file) {
        CsvDataset data = CsvDataset.load(file);
        return new Points(data.points(), data.size(), data.dim());
    }
}
