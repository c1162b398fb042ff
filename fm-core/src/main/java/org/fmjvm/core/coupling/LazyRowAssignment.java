package org.fmjvm.core.coupling;

/**
 * The shortest-augmenting-path solver of {@link LinearAssignment} with a better warm start and rows
 * expanded lazily: the same exact dense algorithm, but each Dijkstra step reads a row's few
 * cheapest columns instead of all {@code n}, and the rest only when it could matter.
 *
 * <p>Warm start: an epsilon-scaling forward auction (Bertsekas) gives near-optimal column
 * potentials {@code v}; its matching is dropped. Each row then takes {@code u[i] = min_j C[i, j] -
 * v[j]} (dual feasible for the whole matrix) and its argmin column if still free (tight); the
 * remaining free rows are augmented exactly as below. The auction only shortens the augmenting
 * paths; the optimality argument does not depend on it.
 *
 * <p>Each row {@code i} keeps a candidate list {@code L_i} of its {@code k} smallest values of
 * {@code C[i, j] - v[j]} and a bound {@code t_i <= C[i, j] - v[j]} for every column outside the
 * list. Column potentials only decrease during the algorithm, so the bound stays valid. When the
 * search settles row {@code i} at offset {@code s_i = reach - u[i]}, it relaxes the candidate
 * columns and puts a placeholder with key {@code s_i + t_i} into the heap: no column outside the
 * list can be reached through row {@code i} more cheaply than that. Only if that placeholder
 * reaches the top of the heap is the whole row scanned (and its list rebuilt with the current
 * potentials). Every column is therefore settled at exactly its dense shortest-path distance, and
 * the potential updates and augmentations are those of the dense algorithm: the matching is an
 * exact optimum and the potentials are dual feasible for the whole matrix.
 */
final class LazyRowAssignment {

    private final double[] c;
    private final int n;
    private final int k;
    private final int[] list;        // row i's candidates: list[i * k .. i * k + k)
    private final double[] bound;    // t_i; +infinity when the list holds the whole row
    private final double[] u;
    private final double[] v;
    private final int[] colOfRow;
    private final int[] rowOfCol;

    private final double[] key;      // heap keys: columns 0 .. n-1, row placeholders n .. 2n-1
    private final int[] heap;
    private final int[] heapPos;
    private int heapSize;
    private final boolean[] settled;
    private final int[] touched;
    private final int[] pred;
    private final double[] shift;
    private final int[] settledRows;
    private final int[] settledCols;
    private final double[] scratch;

    private LazyRowAssignment(double[] c, int n, int k) {
        this.c = c;
        this.n = n;
        this.k = k;
        this.list = new int[n * k];
        this.bound = new double[n];
        this.u = new double[n];
        this.v = new double[n];
        this.colOfRow = new int[n];
        this.rowOfCol = new int[n];
        this.key = new double[2 * n];
        this.heap = new int[2 * n];
        this.heapPos = new int[2 * n];
        this.settled = new boolean[n];
        this.touched = new int[n];
        this.pred = new int[n];
        this.shift = new double[n];
        this.settledRows = new int[n];
        this.settledCols = new int[n];
        this.scratch = new double[n];
    }

    /** @return an optimal assignment, row to column, of the validated {@code n x n} matrix */
    static int[] solve(double[] c, int n, int k) {
        return new LazyRowAssignment(c, n, Math.max(1, Math.min(k, n - 1))).run();
    }

    private int[] run() {
        java.util.Arrays.fill(colOfRow, -1);
        java.util.Arrays.fill(rowOfCol, -1);
        auction();
        java.util.Arrays.fill(colOfRow, -1);
        java.util.Arrays.fill(rowOfCol, -1);
        int[] free = new int[n];
        int nFree = 0;
        for (int i = 0; i < n; i++) {
            int base = i * n;
            double m = Double.POSITIVE_INFINITY;
            int at = -1;
            for (int j = 0; j < n; j++) {
                double r = c[base + j] - v[j];
                if (r < m || (r == m && rowOfCol[at] >= 0 && rowOfCol[j] < 0)) {
                    m = r;
                    at = j;
                }
            }
            u[i] = m;
            if (rowOfCol[at] < 0) {
                colOfRow[i] = at;
                rowOfCol[at] = i;
            } else {
                free[nFree++] = i;
            }
            rebuild(i);
        }
        java.util.Arrays.fill(key, 0, n, Double.POSITIVE_INFINITY);
        for (int f = 0; f < nFree; f++) {
            augment(free[f]);
        }
        return colOfRow;
    }

    /** The auction stops at {@code epsilon = AUCTION_END * (max C - min C) / n}. */
    private static final double AUCTION_END = 1e-2;
    /** Epsilon shrinks by this factor from one auction stage to the next. */
    private static final double AUCTION_FACTOR = 8;

    /**
     * A warm start only: forward auction with epsilon scaling on the column potentials {@code v}
     * (they only decrease), leaving near-optimal potentials. The matching it builds is discarded.
     */
    private void auction() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : c) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double range = hi - lo;
        if (!(range > 0)) {
            return;
        }
        // v starts at the column minima
        System.arraycopy(c, 0, v, 0, n);
        for (int i = 1; i < n; i++) {
            int base = i * n;
            for (int j = 0; j < n; j++) {
                v[j] = Math.min(v[j], c[base + j]);
            }
        }
        int[] queue = new int[n];
        double eps = range / 8;
        // epsilon well above the rounding of the potentials, so that every bid changes a potential
        double end = Math.max(range * AUCTION_END / n, 1024 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi))));
        long budget = 64L * n;   // bids per stage; past it the warm start stops (any v is a valid start)
        while (true) {
            java.util.Arrays.fill(colOfRow, -1);
            java.util.Arrays.fill(rowOfCol, -1);
            int head = 0;
            int size = n;
            for (int i = 0; i < n; i++) {
                queue[i] = i;
            }
            long bids = 0;
            while (size > 0) {
                if (++bids > budget) {
                    return;
                }
                int i = queue[head];
                head = head + 1 == n ? 0 : head + 1;
                size--;
                int base = i * n;
                double m1 = Double.POSITIVE_INFINITY;
                double m2 = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 0; j < n; j++) {
                    double r = c[base + j] - v[j];
                    if (r < m2) {
                        if (r < m1) {
                            m2 = m1;
                            m1 = r;
                            j1 = j;
                        } else {
                            m2 = r;
                        }
                    }
                }
                double raise = m2 == Double.POSITIVE_INFINITY ? eps : m2 - m1 + eps;
                v[j1] = Math.min(v[j1] - raise, Math.nextDown(v[j1]));
                int old = rowOfCol[j1];
                rowOfCol[j1] = i;
                colOfRow[i] = j1;
                if (old >= 0) {
                    colOfRow[old] = -1;
                    int tail = head + size;
                    queue[tail >= n ? tail - n : tail] = old;
                    size++;
                }
            }
            if (eps <= end) {
                return;
            }
            eps = Math.max(end, eps / AUCTION_FACTOR);
        }
    }

    /** Row {@code i}'s list: its {@code k} smallest {@code C[i, j] - v[j]}; the bound, the next value. */
    private void rebuild(int i) {
        int base = i * n;
        for (int j = 0; j < n; j++) {
            scratch[j] = c[base + j] - v[j];
        }
        double t = select(scratch, n, k);   // the (k+1)-th smallest: every column outside is >= t
        int at = i * k;
        int end = at + k;
        for (int j = 0; j < n && at < end; j++) {
            if (c[base + j] - v[j] < t) {
                list[at++] = j;
            }
        }
        for (int j = 0; j < n && at < end; j++) {
            if (c[base + j] - v[j] == t) {
                list[at++] = j;
            }
        }
        bound[i] = t;
    }

    private void augment(int start) {
        int nTouched = 0;
        int nRows = 0;
        int nCols = 0;
        heapSize = 0;
        double reach = 0;
        int row = start;
        int sink;
        while (true) {
            settledRows[nRows++] = row;
            double s = reach - u[row];
            shift[row] = s;
            int base = row * n;
            for (int e = row * k, end = e + k; e < end; e++) {
                int j = list[e];
                if (settled[j]) {
                    continue;
                }
                double d = s + c[base + j] - v[j];
                double old = key[j];
                if (d < old) {
                    if (old == Double.POSITIVE_INFINITY) {
                        touched[nTouched++] = j;
                        key[j] = d;
                        pred[j] = row;
                        push(j);
                    } else {
                        key[j] = d;
                        pred[j] = row;
                        siftUp(heapPos[j]);
                    }
                }
            }
            key[n + row] = s + bound[row];
            push(n + row);
            int top = pop();
            while (top >= n) {
                // a placeholder on top: row r's other columns may now matter, so scan all of them
                int r = top - n;
                double sr = shift[r];
                int br = r * n;
                for (int j = 0; j < n; j++) {
                    if (settled[j]) {
                        continue;
                    }
                    double d = sr + c[br + j] - v[j];
                    double old = key[j];
                    if (d < old) {
                        if (old == Double.POSITIVE_INFINITY) {
                            touched[nTouched++] = j;
                            key[j] = d;
                            pred[j] = r;
                            push(j);
                        } else {
                            key[j] = d;
                            pred[j] = r;
                            siftUp(heapPos[j]);
                        }
                    }
                }
                rebuild(r);   // v only decreases from here, so the new bound stays valid too
                top = pop();
            }
            int col = top;
            settled[col] = true;
            settledCols[nCols++] = col;
            reach = key[col];
            if (rowOfCol[col] < 0) {
                sink = col;
                break;
            }
            row = rowOfCol[col];
        }
        // potentials and augmentation exactly as in the dense solver
        LinearAssignment.updateAndAugment(start, sink, reach, key, settledRows, nRows, settledCols, nCols, u, v, pred,
                colOfRow, rowOfCol);
        for (int t = 0; t < nTouched; t++) {
            int j = touched[t];
            key[j] = Double.POSITIVE_INFINITY;
            settled[j] = false;
        }
    }

    private void push(int x) {
        heap[heapSize] = x;
        heapPos[x] = heapSize;
        siftUp(heapSize++);
    }

    private int pop() {
        int top = heap[0];
        heapSize--;
        if (heapSize > 0) {
            heap[0] = heap[heapSize];
            heapPos[heap[0]] = 0;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(int p) {
        int x = heap[p];
        double kx = key[x];
        while (p > 0) {
            int parent = (p - 1) >>> 1;
            int y = heap[parent];
            if (key[y] <= kx) {
                break;
            }
            heap[p] = y;
            heapPos[y] = p;
            p = parent;
        }
        heap[p] = x;
        heapPos[x] = p;
    }

    private void siftDown(int p) {
        int x = heap[p];
        double kx = key[x];
        while (true) {
            int child = 2 * p + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && key[heap[child + 1]] < key[heap[child]]) {
                child++;
            }
            int y = heap[child];
            if (key[y] >= kx) {
                break;
            }
            heap[p] = y;
            heapPos[y] = p;
            p = child;
        }
        heap[p] = x;
        heapPos[x] = p;
    }

    /** The {@code r}-th smallest (0-based) of {@code a[0 .. m)}, reordering it (Hoare quickselect). */
    private static double select(double[] a, int m, int r) {
        int lo = 0;
        int hi = m - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (r <= j) {
                hi = j;
            } else if (r >= i) {
                lo = i;
            } else {
                return a[r];
            }
        }
        return a[r];
    }
}
