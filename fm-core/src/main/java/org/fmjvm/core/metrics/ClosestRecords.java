package org.fmjvm.core.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Brute-force nearest neighbours in float64: for each query row, the Euclidean distance to its closest
 * row of a fixed record set and that row's index (the first one on a tie).
 *
 * <p>The work is tiled: a block of query rows is compared with one cache-sized block of records at a
 * time, and a candidate is abandoned as soon as its partial squared distance passes the best so far.
 * Query blocks run in parallel; each query's answer depends only on its own row, so the result is the
 * same whatever the number of threads. About right for tables up to some 10^4 x 10^4 rows of 64
 * columns; no spatial index.
 *
 * <p>Thread safety: immutable after construction and thread-safe.
 */
final class ClosestRecords {

    private static final int QUERY_BLOCK = 32;
    private static final int RECORD_BLOCK_BYTES = 128 * 1024;

    private final double[] records;
    private final int dim;
    private final int count;

    /**
     * @param records the record set, row-major {@code count x dim}; not copied, not to be modified
     * @param dim the number of coordinates, {@code >= 1}
     */
    ClosestRecords(double[] records, int dim) {
        if (dim < 1 || records.length == 0 || records.length % dim != 0) {
            throw new IllegalArgumentException("records must hold a positive multiple of dim = " + dim
                    + " values, got " + records.length);
        }
        this.records = records;
        this.dim = dim;
        this.count = records.length / dim;
    }

    /** The closest record of each query row. */
    record Result(double[] distance, int[] index) {
    }

    /**
     * @param queries row-major {@code n x dim}
     * @return for each query row, the distance to and index of its closest record
     */
    Result nearest(double[] queries) {
        if (queries.length % dim != 0) {
            throw new IllegalArgumentException("queries must hold a multiple of dim = " + dim + " values, got "
                    + queries.length);
        }
        int n = queries.length / dim;
        double[] best = new double[n];
        int[] index = new int[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int recordBlock = Math.max(1, RECORD_BLOCK_BYTES / (8 * dim));
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(k -> {
            int q0 = k * QUERY_BLOCK;
            int q1 = Math.min(n, q0 + QUERY_BLOCK);
            for (int r0 = 0; r0 < count; r0 += recordBlock) {
                int r1 = Math.min(count, r0 + recordBlock);
                for (int q = q0; q < q1; q++) {
                    scan(queries, q, r0, r1, best, index);
                }
            }
        });
        double[] distance = new double[n];
        for (int q = 0; q < n; q++) {
            distance[q] = Math.sqrt(best[q]);
        }
        return new Result(distance, index);
    }

    /** Updates best[q] / index[q] with records [r0, r1), stopping each candidate once it cannot win. */
    private void scan(double[] queries, int q, int r0, int r1, double[] best, int[] index) {
        int qo = q * dim;
        double b = best[q];
        int bi = index[q];
        for (int r = r0; r < r1; r++) {
            int ro = r * dim;
            double s = 0;
            int d = 0;
            while (d < dim) {
                int end = Math.min(dim, d + 8);
                for (; d < end; d++) {
                    double t = queries[qo + d] - records[ro + d];
                    s += t * t;
                }
                if (s >= b) {
                    break;
                }
            }
            if (s < b) {
                b = s;
                bi = r;
            }
        }
        best[q] = b;
        index[q] = bi;
    }
}
