package org.fmjvm.core.coupling;

import java.util.Arrays;
import java.util.Objects;

/**
 * Exact dense linear assignment: given an {@code n x n} cost matrix {@code C}, finds the
 * permutation {@code sigma} that minimises {@code sum_i C[i, sigma(i)]} (a minimum-cost perfect
 * matching of rows to columns).
 *
 * <p>Method: shortest augmenting paths with dual potentials (Jonker and Volgenant, 1987, in the
 * form without their initialisation heuristics). Rows are added one at a time; for each, a
 * Dijkstra search over the columns on reduced costs {@code C[i, j] - u[i] - v[j] >= 0} finds the
 * cheapest augmenting path to a free column, and the potentials of the rows and columns the search
 * settled are then updated so that reduced costs stay non-negative and are zero on matched pairs.
 * {@code O(n^3)} time in the worst case, {@code O(n^2)} memory for the caller's matrix and
 * {@code O(n)} extra. Ties (equal costs, identical rows) are allowed; any optimal permutation may
 * be returned, always the same one for the same input.
 *
 * <p>From {@code n = 48} on, the same exact algorithm runs with a different warm start (an
 * epsilon-scaling auction for the column potentials) and reads each row's few cheapest columns
 * first, scanning the whole row only when a column outside them could be on a shorter path; see
 * {@code LazyRowAssignment}. {@code O(n k)} extra memory there, with {@code k} about
 * {@code 4 ln n}.
 *
 * <p>Stateless; the static methods are thread-safe and never change their argument.
 */
public final class LinearAssignment {

    private LinearAssignment() {
    }

    /**
     * @param cost the cost matrix, row-major: {@code cost[i * n + j]} is the cost of pairing row
     *     {@code i} with column {@code j}; every entry finite
     * @param n the number of rows and of columns, {@code >= 1}
     * @return {@code assignment} with {@code assignment[i]} the column of row {@code i}: a
     *     permutation of {@code 0 .. n-1} of minimal total cost
     * @throws IllegalArgumentException if {@code n < 1}, {@code cost.length != n * n} or an entry
     *     is NaN or infinite (naming the first such entry)
     */
    public static int[] solve(double[] cost, int n) {
        Objects.requireNonNull(cost, "cost");
        if (n < 1) {
            throw new IllegalArgumentException("linear assignment needs n >= 1, got n = " + n);
        }
        if ((long) n * n != cost.length) {
            throw new IllegalArgumentException("linear assignment needs an n x n cost matrix: n = " + n
                    + " needs " + ((long) n * n) + " entries, got " + cost.length);
        }
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException("linear assignment needs finite costs, got " + cost[k]
                        + " at row " + (k / n) + ", column " + (k % n));
            }
        }
        return n >= FAST_FROM ? LazyRowAssignment.solve(cost, n, candidates(n)) : shortestAugmentingPaths(cost, n);
    }

    /** From this size on, {@link #solve} uses the auction warm start and lazy rows of {@link LazyRowAssignment}. */
    static final int FAST_FROM = 48;

    /** Candidate columns per row kept by the fast path. */
    static int candidates(int n) {
        return Math.min(n, Math.max(8, (int) Math.round(4 * Math.log(n))));
    }

    /** The dense solver alone, on an already validated matrix: the reference for the fast path. */
    static int[] solveDense(double[] cost, int n) {
        return shortestAugmentingPaths(cost, n);
    }

    /** The fast path alone, with {@code k} candidate columns per row, on an already validated matrix. */
    static int[] solveFast(double[] cost, int n, int k) {
        return LazyRowAssignment.solve(cost, n, k);
    }

    /**
     * @param cost a square cost matrix, {@code cost[i][j]} the cost of pairing row {@code i} with
     *     column {@code j}; every entry finite
     * @return {@code assignment[i]}, the column of row {@code i}, as for {@link #solve(double[], int)}
     * @throws IllegalArgumentException if the matrix is empty, not square (naming the row whose
     *     length differs) or holds a NaN or infinite entry
     */
    public static int[] solve(double[][] cost) {
        Objects.requireNonNull(cost, "cost");
        int n = cost.length;
        if (n == 0) {
            throw new IllegalArgumentException("linear assignment needs n >= 1, got an empty cost matrix");
        }
        double[] flat = new double[Math.multiplyExact(n, n)];
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(cost[i], "cost row");
            if (cost[i].length != n) {
                throw new IllegalArgumentException("linear assignment needs a square cost matrix: " + n
                        + " rows, but row " + i + " has " + cost[i].length + " columns");
            }
            System.arraycopy(cost[i], 0, flat, i * n, n);
        }
        return solve(flat, n);
    }

    /**
     * @param cost the row-major {@code n x n} cost matrix
     * @param n its size
     * @param assignment {@code assignment[i]}, the column of row {@code i}
     * @return {@code sum_i cost[i, assignment[i]]}
     */
    public static double totalCost(double[] cost, int n, int[] assignment) {
        if (assignment.length != n || (long) n * n != cost.length) {
            throw new IllegalArgumentException("an assignment of " + assignment.length + " rows for an n = " + n
                    + " matrix of " + cost.length + " entries");
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += cost[i * n + assignment[i]];
        }
        return sum;
    }

    /**
     * Jonker and Volgenant's initialisation: column reduction, reduction transfer and two rounds of
     * augmenting row reduction. Leaves column potentials {@code v} with reduced costs
     * {@code C[i, j] - v[j]} whose minimum over {@code j} is attained, for every assigned row, at its
     * column; returns the number of rows left free, listed in {@code free}.
     */
    private static int initialise(double[] c, int n, double[] v, int[] colOfRow, int[] rowOfCol, int[] free) {
        Arrays.fill(colOfRow, -1);
        Arrays.fill(rowOfCol, -1);
        // column reduction: v[j] = min_i C[i, j], read row by row for locality
        int[] argmin = new int[n];
        System.arraycopy(c, 0, v, 0, n);
        for (int i = 1; i < n; i++) {
            int base = i * n;
            for (int j = 0; j < n; j++) {
                double x = c[base + j];
                if (x < v[j]) {
                    v[j] = x;
                    argmin[j] = i;
                }
            }
        }
        int[] matches = new int[n];
        for (int j = n - 1; j >= 0; j--) {
            int i = argmin[j];
            if (matches[i]++ == 0) {
                colOfRow[i] = j;
                rowOfCol[j] = i;
            }
        }
        // reduction transfer: a row that is the minimum of one column only lends that column slack
        int nFree = 0;
        for (int i = 0; i < n; i++) {
            if (matches[i] == 0) {
                free[nFree++] = i;
            } else if (matches[i] == 1) {
                int j1 = colOfRow[i];
                int base = i * n;
                double mu = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (j != j1) {
                        mu = Math.min(mu, c[base + j] - v[j]);
                    }
                }
                if (mu < Double.POSITIVE_INFINITY) {
                    v[j1] -= mu;
                }
            }
        }
        // augmenting row reduction, twice over the free rows
        for (int round = 0; round < 2 && nFree > 0; round++) {
            int todo = nFree;
            nFree = 0;
            int k = 0;
            int steps = 0;
            while (k < todo) {
                int i = free[k++];
                int base = i * n;
                double u1 = Double.POSITIVE_INFINITY;
                double u2 = Double.POSITIVE_INFINITY;
                int j1 = -1;
                int j2 = -1;
                for (int j = 0; j < n; j++) {
                    double h = c[base + j] - v[j];
                    if (h < u2) {
                        if (h < u1) {
                            u2 = u1;
                            j2 = j1;
                            u1 = h;
                            j1 = j;
                        } else {
                            u2 = h;
                            j2 = j;
                        }
                    }
                }
                int displaced = rowOfCol[j1];
                boolean strict = u1 < u2 && j2 >= 0;
                if (strict) {
                    v[j1] -= u2 - u1;
                } else if (displaced >= 0 && j2 >= 0) {
                    j1 = j2;
                    displaced = rowOfCol[j1];
                }
                colOfRow[i] = j1;
                rowOfCol[j1] = i;
                if (displaced >= 0) {
                    colOfRow[displaced] = -1;
                    if (strict && ++steps < 8 * n) {
                        free[--k] = displaced;     // reduce the displaced row right away
                    } else {
                        free[nFree++] = displaced; // k > nFree here: the slot is already processed
                    }
                }
            }
        }
        return nFree;
    }

    private static int[] shortestAugmentingPaths(double[] c, int n) {
        double[] u = new double[n];            // row potentials
        double[] v = new double[n];            // column potentials
        int[] colOfRow = new int[n];
        int[] rowOfCol = new int[n];
        int[] free = new int[n];
        int nFree = initialise(c, n, v, colOfRow, rowOfCol, free);
        for (int i = 0; i < n; i++) {
            if (colOfRow[i] >= 0) {
                u[i] = c[i * n + colOfRow[i]] - v[colOfRow[i]];
            }
        }

        double[] dist = new double[n];         // tentative path length to each column
        int[] pred = new int[n];               // row from which each column was reached
        int[] todo = new int[n];               // columns not yet settled: todo[0 .. left)
        int[] settledCols = new int[n];
        int[] settledRows = new int[n];

        for (int f = 0; f < nFree; f++) {
            int start = free[f];
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                todo[j] = j;
            }
            int left = n;
            int nCols = 0;
            int nRows = 0;
            double reach = 0;                  // length of the path to the last settled column
            int row = start;
            int sink = -1;
            while (sink < 0) {
                settledRows[nRows++] = row;
                int base = row * n;
                double rowShift = reach - u[row];
                double lowest = Double.POSITIVE_INFINITY;
                int at = -1;
                for (int k = 0; k < left; k++) {
                    int j = todo[k];
                    double d = rowShift + c[base + j] - v[j];
                    if (d < dist[j]) {
                        dist[j] = d;
                        pred[j] = row;
                    }
                    double dj = dist[j];
                    // among equal lengths prefer a free column: the path ends there
                    if (dj < lowest || (dj == lowest && rowOfCol[j] < 0)) {
                        lowest = dj;
                        at = k;
                    }
                }
                int col = todo[at];
                todo[at] = todo[--left];
                settledCols[nCols++] = col;
                reach = lowest;
                if (rowOfCol[col] < 0) {
                    sink = col;
                } else {
                    row = rowOfCol[col];
                }
            }
            updateAndAugment(start, sink, reach, dist, settledRows, nRows, settledCols, nCols, u, v, pred, colOfRow,
                    rowOfCol);
        }
        return colOfRow;
    }

    /**
     * The end of one shortest-augmenting-path search, shared by both solvers: update the
     * potentials so reduced costs stay {@code >= 0} and are zero along the matching and the new
     * path, then augment along the path from {@code sink} back to {@code start}.
     *
     * @param start the free row the search began from
     * @param sink the free column it reached
     * @param reach the path length to {@code sink}
     * @param dist each settled column's path length
     * @param settledRows the rows reached, {@code start} first
     * @param nRows how many
     * @param settledCols the columns settled
     * @param nCols how many
     * @param u row potentials, updated
     * @param v column potentials, updated
     * @param pred the row each column was reached from
     * @param colOfRow the matching by row, updated
     * @param rowOfCol the matching by column, updated
     */
    static void updateAndAugment(int start, int sink, double reach, double[] dist, int[] settledRows, int nRows,
            int[] settledCols, int nCols, double[] u, double[] v, int[] pred, int[] colOfRow, int[] rowOfCol) {
        u[start] += reach;
        for (int k = 1; k < nRows; k++) {
            int r = settledRows[k];
            u[r] += reach - dist[colOfRow[r]];
        }
        for (int k = 0; k < nCols; k++) {
            int j = settledCols[k];
            v[j] -= reach - dist[j];
        }
        int col = sink;
        while (true) {
            int r = pred[col];
            rowOfCol[col] = r;
            int previous = colOfRow[r];
            colOfRow[r] = col;
            if (r == start) {
                break;
            }
            col = previous;
        }
    }
}
