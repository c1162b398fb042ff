package org.fmjvm.core.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/** The assignment is a permutation of minimal cost, checked against brute force; bad input fails clearly. */
class LinearAssignmentTest {

    /** Every n from 1 to 8, 40 seeded matrices each, of three kinds: uniform, integer (many ties), points. */
    @Test
    void matchesBruteForceUpToEight() {
        for (int n = 1; n <= 8; n++) {
            for (int seed = 0; seed < 40; seed++) {
                Rng rng = Rng.seeded(1000L * n + seed);
                double[] cost = switch (seed % 3) {
                    case 0 -> uniform(rng, n);
                    case 1 -> smallIntegers(rng, n);
                    default -> squaredDistances(rng, n, 2, false);
                };
                checkOptimal(cost, n, "n = " + n + ", seed " + seed);
            }
        }
    }

    @Test
    void tiesAndDuplicatedPointsStillGiveAnOptimalPermutation() {
        for (int n = 1; n <= 8; n++) {
            checkOptimal(new double[n * n], n, "all-zero n = " + n);
            double[] constantRows = new double[n * n];
            for (int i = 0; i < n; i++) {
                Arrays.fill(constantRows, i * n, (i + 1) * n, i);
            }
            checkOptimal(constantRows, n, "constant rows n = " + n);
            for (int seed = 0; seed < 10; seed++) {
                checkOptimal(squaredDistances(Rng.seeded(seed + 77L * n), n, 2, true), n,
                        "duplicated points n = " + n + ", seed " + seed);
            }
        }
        // large instance with duplicated points: still a permutation, and no worse than identity
        int n = 200;
        double[] cost = squaredDistances(Rng.seeded(5), n, 3, true);
        int[] a = LinearAssignment.solve(cost, n);
        assertPermutation(a, n);
        int[] identity = new int[n];
        Arrays.setAll(identity, i -> i);
        assertThat(LinearAssignment.totalCost(cost, n, a)).isLessThanOrEqualTo(
                LinearAssignment.totalCost(cost, n, identity));
    }

    @Test
    void oneByOne() {
        assertThat(LinearAssignment.solve(new double[] {-3.5}, 1)).containsExactly(0);
        assertThat(LinearAssignment.solve(new double[][] {{2}})).containsExactly(0);
    }

    @Test
    void negativeAndLargeCostsAreFine() {
        double[][] c = {{-1e12, 5, 3}, {7, -2, 1e9}, {0, 0, -1e-9}};
        assertThat(LinearAssignment.solve(c)).containsExactly(0, 1, 2);
    }

    @Test
    void twoDimensionalAndFlatFormsAgree() {
        int n = 30;
        double[] flat = uniform(Rng.seeded(3), n);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
        }
        assertThat(LinearAssignment.solve(rows)).containsExactly(LinearAssignment.solve(flat, n));
    }

    @Test
    void rejectsBadShapes() {
        assertThatThrownBy(() -> LinearAssignment.solve(new double[6], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n = 2 needs 4 entries, got 6");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[0], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n >= 1, got n = 0");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty cost matrix");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[][] {{1, 2, 3}, {4, 5, 6}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("square").hasMessageContaining("2 rows, but row 0 has 3 columns");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[][] {{1, 2}, {4}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1 has 1 columns");
    }

    @Test
    void rejectsNanAndInfiniteCosts() {
        assertThatThrownBy(() -> LinearAssignment.solve(new double[] {0, 1, Double.NaN, 2}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite").hasMessageContaining("NaN at row 1, column 0");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[][] {{0, Double.POSITIVE_INFINITY}, {1, 2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity at row 0, column 1");
        assertThatThrownBy(() -> LinearAssignment.solve(new double[] {Double.NEGATIVE_INFINITY}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Infinity at row 0, column 0");
    }

    /**
     * The fast path (auction warm start, lazy rows) gives exactly the dense solver's optimal cost on
     * the real workload (standard-normal points against four Gaussians), on uniform costs, on
     * integer costs with many ties and on duplicated points, with small and default candidate lists.
     */
    @Test
    void fastPathMatchesTheDenseSolversOptimalCost() {
        for (int n : new int[] {64, 256, 1024}) {
            int seeds = n >= 1024 ? 3 : n >= 256 ? 8 : 20;
            for (int seed = 0; seed < seeds; seed++) {
                long s = 31L * n + seed;
                checkFastMatchesDense(fourGaussiansWorkload(n, s), n, "four Gaussians n = " + n + ", seed " + s);
                checkFastMatchesDense(uniform(Rng.seeded(s), n), n, "uniform n = " + n + ", seed " + s);
                if (n <= 256) {
                    checkFastMatchesDense(smallIntegers(Rng.seeded(s), n), n, "integers n = " + n + ", seed " + s);
                    checkFastMatchesDense(squaredDistances(Rng.seeded(s), n, 2, true), n,
                            "duplicated points n = " + n + ", seed " + s);
                }
            }
        }
        for (int n : new int[] {48, 100, 300}) {
            double[] cost = fourGaussiansWorkload(n, 9);
            double dense = LinearAssignment.totalCost(cost, n, LinearAssignment.solveDense(cost, n));
            for (int k : new int[] {1, 2, 5, n - 1, n}) {
                int[] a = LinearAssignment.solveFast(cost, n, k);
                assertPermutation(a, n);
                assertThat(LinearAssignment.totalCost(cost, n, a)).as("n = %d, k = %d", n, k)
                        .isCloseTo(dense, within(1e-9 * Math.max(1, Math.abs(dense))));
            }
        }
        double[] zeros = new double[64 * 64];
        assertPermutation(LinearAssignment.solve(zeros, 64), 64);
    }

    private static void checkFastMatchesDense(double[] cost, int n, String what) {
        int[] fast = LinearAssignment.solve(cost, n);
        assertPermutation(fast, n);
        double dense = LinearAssignment.totalCost(cost, n, LinearAssignment.solveDense(cost, n));
        assertThat(LinearAssignment.totalCost(cost, n, fast)).as(what)
                .isCloseTo(dense, within(1e-9 * Math.max(1, Math.abs(dense))));
    }

    /** Squared distances from n standard-normal 2-D points to n points of the four-Gaussians mixture. */
    static double[] fourGaussiansWorkload(int n, long seed) {
        float[] a = new org.fmjvm.core.data.GaussianSource(2).sample(n, Rng.seeded(seed));
        float[] b = org.fmjvm.core.data.GaussianMixture.fourGaussians().sample(n, Rng.seeded(seed + 1));
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dx = a[2 * i] - b[2 * j];
                double dy = a[2 * i + 1] - b[2 * j + 1];
                c[i * n + j] = dx * dx + dy * dy;
            }
        }
        return c;
    }

    /**
     * Not an assertion: prints median solve times on squared distances from standard-normal 2-D
     * points to the four-Gaussians mixture,
     * for the record (timings belong in a benchmark, not in a pass/fail test).
     */
    @Test
    void printsMedianTimes() {
        for (int n : new int[] {64, 256, 1024}) {
            double[] cost = fourGaussiansWorkload(n, n);
            int reps = n >= 1024 ? 15 : 41;
            long[] nanos = new long[reps];
            for (int w = 0; w < 5; w++) {
                LinearAssignment.solve(cost, n);
            }
            for (int r = 0; r < reps; r++) {
                long t = System.nanoTime();
                LinearAssignment.solve(cost, n);
                nanos[r] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            System.out.printf("LinearAssignment n = %d: median %.2f ms over %d runs (min %.2f, max %.2f)%n", n,
                    nanos[reps / 2] / 1e6, reps, nanos[0] / 1e6, nanos[reps - 1] / 1e6);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void checkOptimal(double[] cost, int n, String what) {
        int[] a = LinearAssignment.solve(cost, n);
        assertPermutation(a, n);
        assertThat(LinearAssignment.totalCost(cost, n, a)).as(what).isCloseTo(bruteForce(cost, n), within(1e-9));
    }

    private static void assertPermutation(int[] a, int n) {
        assertThat(a).hasSize(n);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertThat(sorted[i]).as("sorted assignment %s", Arrays.toString(a)).isEqualTo(i);
        }
    }

    private static double bruteForce(double[] cost, int n) {
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        return best(cost, n, perm, 0, 0);
    }

    private static double best(double[] cost, int n, int[] perm, int depth, double sofar) {
        if (depth == n) {
            return sofar;
        }
        double min = Double.POSITIVE_INFINITY;
        for (int k = depth; k < n; k++) {
            swap(perm, depth, k);
            min = Math.min(min, best(cost, n, perm, depth + 1, sofar + cost[depth * n + perm[depth]]));
            swap(perm, depth, k);
        }
        return min;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static double[] uniform(Rng rng, int n) {
        double[] c = new double[n * n];
        for (int k = 0; k < c.length; k++) {
            c[k] = rng.nextDouble() * 10 - 3;
        }
        return c;
    }

    private static double[] smallIntegers(Rng rng, int n) {
        double[] c = new double[n * n];
        for (int k = 0; k < c.length; k++) {
            c[k] = rng.nextInt(3);
        }
        return c;
    }

    /** Squared distances between two sets of n Gaussian points; with {@code duplicates}, half the points repeat. */
    static double[] squaredDistances(Rng rng, int n, int dim, boolean duplicates) {
        double[] a = new double[n * dim];
        double[] b = new double[n * dim];
        for (int k = 0; k < a.length; k++) {
            a[k] = rng.nextGaussian();
            b[k] = rng.nextGaussian() + 1;
        }
        if (duplicates) {
            for (int i = 1; i < n; i += 2) {
                System.arraycopy(a, (i - 1) * dim, a, i * dim, dim);
                System.arraycopy(b, 0, b, i * dim, dim);
            }
        }
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = a[i * dim + d] - b[j * dim + d];
                    s += diff * diff;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }
}
