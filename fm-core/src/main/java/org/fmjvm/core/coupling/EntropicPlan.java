package org.fmjvm.core.coupling;

import org.fmjvm.api.random.Rng;

/**
 * The entropic optimal-transport plan between two uniform marginals on {@code n} points each,
 * found by log-domain Sinkhorn iterations, and pairs drawn from it without replacement. Shared by
 * {@link SinkhornCoupling} and {@link SchrodingerBridgeCoupling}, which differ only in how they set
 * the regularisation {@code eps}.
 *
 * <p>The plan minimises {@code sum P_ij C_ij + eps sum P_ij log P_ij} subject to every row and
 * column of {@code P} summing to {@code 1/n}. It is kept as dual potentials: {@code P_ij =
 * exp((f_i + g_j - C_ij) / eps)}. Each iteration sets {@code g} so that the columns are exact, then
 * {@code f} so that the rows are; the iteration stops when the plan with the newest {@code g} already
 * has every row sum within {@code tol} of {@code 1/n} in relative terms ({@code |n rowSum_i - 1| <=
 * tol}), checked for free from the log-sum-exp the next {@code f} update computes. Log-sum-exp keeps
 * every step finite for any {@code eps > 0}. When the kernel {@code exp(-C / eps)} does not underflow
 * (the usual case) the same iterations run on it with scalings, which is much faster.
 */
final class EntropicPlan {

    final int n;
    final double eps;
    private final double[] cost;
    private final double[] f;
    private final double[] g;
    /** Sinkhorn iterations used. */
    final int iterations;
    /** {@code max_i |n rowSum_i - 1|} of the final plan; its columns are exact up to rounding. */
    final double rowError;

    private EntropicPlan(double[] cost, int n, double eps, double[] f, double[] g, int iterations, double rowError) {
        this.cost = cost;
        this.n = n;
        this.eps = eps;
        this.f = f;
        this.g = g;
        this.iterations = iterations;
        this.rowError = rowError;
    }

    /**
     * @param cost row-major {@code n x n} costs, finite (not copied; must not change while the plan is used)
     * @param n the number of points on each side
     * @param eps the regularisation, {@code > 0}, in the units of the cost
     * @param maxIter the most Sinkhorn iterations
     * @param tol the relative row-marginal tolerance
     * @return the plan, converged or after {@code maxIter} iterations (see {@link #rowError})
     */
    static EntropicPlan solve(double[] cost, int n, double eps, int maxIter, double tol) {
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("Sinkhorn needs a finite regularisation eps > 0, got " + eps);
        }
        EntropicPlan fast = scaling(cost, n, eps, maxIter, tol);
        if (fast != null) {
            return fast;
        }
        double logMarginal = -Math.log(n);
        double[] f = new double[n];
        double[] g = new double[n];
        double[] next = new double[n];
        double[] colMax = new double[n];
        double[] colSum = new double[n];
        double error = Double.POSITIVE_INFINITY;
        int it = 0;
        while (it < maxIter) {
            it++;
            // g_j = eps log(1/n) - eps log sum_i exp((f_i - C_ij) / eps): every column sums to 1/n
            java.util.Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                int base = i * n;
                double fi = f[i];
                for (int j = 0; j < n; j++) {
                    colMax[j] = Math.max(colMax[j], (fi - cost[base + j]) / eps);
                }
            }
            java.util.Arrays.fill(colSum, 0);
            for (int i = 0; i < n; i++) {
                int base = i * n;
                double fi = f[i];
                for (int j = 0; j < n; j++) {
                    colSum[j] += Math.exp((fi - cost[base + j]) / eps - colMax[j]);
                }
            }
            for (int j = 0; j < n; j++) {
                g[j] = eps * (logMarginal - colMax[j] - Math.log(colSum[j]));
            }
            // the f that would make the rows exact; how far (f, g)'s rows are from 1/n follows from it
            error = 0;
            for (int i = 0; i < n; i++) {
                next[i] = eps * (logMarginal - rowLogSumExp(cost, n, g, eps, i));
                error = Math.max(error, Math.abs(Math.expm1((f[i] - next[i]) / eps)));
            }
            if (error <= tol) {
                break;
            }
            if (it < maxIter) {
                System.arraycopy(next, 0, f, 0, n);
            }
        }
        return new EntropicPlan(cost, n, eps, f, g, it, error);
    }

    /**
     * The same iterations on the kernel {@code K = exp(-C / eps)} with scalings {@code u = exp(f / eps)},
     * {@code v = exp(g / eps)}: one {@code exp} per entry in all instead of two per entry per iteration,
     * then only multiply-adds. Used when no row or column of {@code K} underflows (costs up to about
     * 700 {@code eps}); otherwise {@code null}, and the log-domain iterations run instead.
     */
    private static EntropicPlan scaling(double[] cost, int n, double eps, int maxIter, double tol) {
        double[] k = new double[n * n];
        double[] colSum = new double[n];
        double smallest = Double.MIN_NORMAL * n;
        for (int i = 0; i < n; i++) {
            int base = i * n;
            double rowSum = 0;
            for (int j = 0; j < n; j++) {
                double kij = Math.exp(-cost[base + j] / eps);
                k[base + j] = kij;
                rowSum += kij;
                colSum[j] += kij;
            }
            if (!(rowSum > smallest)) {
                return null;
            }
        }
        for (int j = 0; j < n; j++) {
            if (!(colSum[j] > smallest)) {
                return null;
            }
        }
        double[] u = new double[n];
        double[] v = new double[n];
        double[] kv = new double[n];
        java.util.Arrays.fill(u, 1);
        double error = Double.POSITIVE_INFINITY;
        int it = 0;
        while (it < maxIter) {
            it++;
            // v_j = (1/n) / sum_i K_ij u_i: every column sums to 1/n
            java.util.Arrays.fill(colSum, 0);
            for (int i = 0; i < n; i++) {
                int base = i * n;
                double ui = u[i];
                for (int j = 0; j < n; j++) {
                    colSum[j] += k[base + j] * ui;
                }
            }
            for (int j = 0; j < n; j++) {
                v[j] = 1 / (n * colSum[j]);
            }
            // row sums u_i (K v)_i against 1/n
            error = 0;
            for (int i = 0; i < n; i++) {
                int base = i * n;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += k[base + j] * v[j];
                }
                kv[i] = sum;
                error = Math.max(error, Math.abs(n * u[i] * sum - 1));
            }
            if (error <= tol) {
                break;
            }
            if (it < maxIter) {
                for (int i = 0; i < n; i++) {
                    u[i] = 1 / (n * kv[i]);
                }
            }
        }
        double[] f = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = eps * Math.log(u[i]);
            g[i] = eps * Math.log(v[i]);
            if (!Double.isFinite(f[i]) || !Double.isFinite(g[i])) {
                return null;
            }
        }
        return new EntropicPlan(cost, n, eps, f, g, it, error);
    }

    /** @return {@code log sum_j exp((g_j - C_ij) / eps)} for row {@code i} */
    private static double rowLogSumExp(double[] cost, int n, double[] g, double eps, int i) {
        int base = i * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, (g[j] - cost[base + j]) / eps);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp((g[j] - cost[base + j]) / eps - max);
        }
        return max + Math.log(sum);
    }

    /** @return the plan's entry {@code P_ij} */
    double entry(int i, int j) {
        return Math.exp((f[i] + g[j] - cost[i * n + j]) / eps);
    }

    /** @return {@code sum_ij P_ij C_ij}, the plan's transport cost */
    double transportCost() {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum += entry(i, j) * cost[i * n + j];
            }
        }
        return sum;
    }

    /**
     * Draws a permutation from the plan without replacement: rows are visited in an order shuffled
     * by {@code rng}; each takes one of the columns not yet taken, with probability proportional to
     * its row of the plan restricted to those columns. Every column is used exactly once, and when
     * the plan is close to a permutation (small {@code eps}) the draw follows it.
     *
     * @param rng the only source of randomness
     * @return {@code sigma} with row {@code i} paired to column {@code sigma[i]}
     */
    int[] samplePermutation(Rng rng) {
        int[] order = rng.permutation(n);
        int[] unused = new int[n];
        for (int j = 0; j < n; j++) {
            unused[j] = j;
        }
        double[] weight = new double[n];
        int[] sigma = new int[n];
        int left = n;
        for (int step = 0; step < n; step++) {
            int i = order[step];
            int base = i * n;
            // P_ij is proportional to exp((g_j - C_ij) / eps) within a row; shift by the max so the
            // best free column has weight 1 even where the plan itself underflows
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < left; k++) {
                int j = unused[k];
                max = Math.max(max, (g[j] - cost[base + j]) / eps);
            }
            double total = 0;
            for (int k = 0; k < left; k++) {
                int j = unused[k];
                weight[k] = Math.exp((g[j] - cost[base + j]) / eps - max);
                total += weight[k];
            }
            double target = rng.nextDouble() * total;
            int pick = -1;
            double run = 0;
            for (int k = 0; k < left; k++) {
                if (weight[k] > 0) {
                    pick = k;
                    run += weight[k];
                    if (run > target) {
                        break;
                    }
                }
            }
            sigma[i] = unused[pick];
            unused[pick] = unused[--left];
        }
        return sigma;
    }
}
