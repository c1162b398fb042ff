package org.fmjvm.core.metrics;

import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.solver.ButcherTableau;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.solver.SolveOptions;

/**
 * How far a trained flow's trajectories are from straight lines travelled at constant speed.
 *
 * <p>For a trajectory {@code x(t)} of {@code dx/dt = v(t, x)} from {@code t = 0} to {@code 1}, the
 * path energy {@code E = integral_0^1 |v(t, x(t))|^2 dt} is at least the squared displacement
 * {@code |x(1) - x(0)|^2} (Cauchy-Schwarz: {@code |x(1) - x(0)|^2 = |integral v dt|^2 <= integral |v|^2 dt}),
 * with equality exactly when {@code v} is constant along the trajectory. The straightness is
 *
 * <pre>
 *   S = mean over trajectories of ( integral_0^1 |v(t, x(t))|^2 dt - |x(1) - x(0)|^2 )  &gt;= 0
 * </pre>
 *
 * zero exactly for straight paths at constant speed, which one Euler step integrates without error
 * (rectified flow's measure, Liu et al. 2023). {@code S} is reported with its two terms,
 * {@link #meanPathEnergy()} and {@link #meanDisplacement2()}.
 *
 * <p><b>How it is computed.</b> The trajectories are integrated from the given starting points with
 * a fixed-step solver ({@link #of(VelocityModel, float[], int, int)}: classic RK4 with {@code steps}
 * steps). At {@code t = 0} and at the end of every accepted step, a step handler evaluates the model
 * once more at the solver's state and adds {@code |v|^2} to the integral by the trapezoid rule
 * ({@code (t_k - t_{k-1}) (|v_{k-1}|^2 + |v_k|^2) / 2}), which is exact for a constant velocity and
 * has error {@code O(h^2)} otherwise. That costs {@code steps + 1} evaluations on top of the
 * solver's. Sums and the final means are float64 on the host; the model runs in float32.
 *
 * <p>{@link #transportCost} is the matching measure for a coupling: the mean squared distance of its
 * pairs, which is the path energy of the straight-line conditional paths between them.
 *
 * @param straightness {@code S = meanPathEnergy - meanDisplacement2}, {@code >= 0} up to integration error
 * @param meanPathEnergy mean over trajectories of {@code integral_0^1 |v(t, x(t))|^2 dt}
 * @param meanDisplacement2 mean over trajectories of {@code |x(1) - x(0)|^2}
 * @param rows the number of trajectories
 * @param nfe velocity evaluations used, the step handler's included
 */
public record Straightness(double straightness, double meanPathEnergy, double meanDisplacement2, int rows, int nfe) {

    /** Trajectories integrated together; larger requests are split into chunks of this many rows. */
    public static final int CHUNK = 65_536;

    /** Checks the counts and that the terms are finite. */
    public Straightness {
        if (rows < 1 || nfe < 0) {
            throw new IllegalArgumentException("rows must be >= 1 and nfe >= 0, got " + rows + " and " + nfe);
        }
        if (!Double.isFinite(meanPathEnergy) || !Double.isFinite(meanDisplacement2)) {
            throw new ConfigurationException("straightness needs finite terms, got path energy " + meanPathEnergy
                    + " and squared displacement " + meanDisplacement2 + ": the flow diverged");
        }
    }

    private static final ButcherTableau RK4 = ButcherTableau.of("rk4", 4, new double[] {0, 0.5, 0.5, 1},
            new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}}, new double[] {1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0});

    /**
     * A coupling's mean transport cost {@code C = (1/B) sum_i |x1_i - x0_i|^2}, in float64.
     *
     * @param x0 source points, row-major {@code B x D}
     * @param x1 the paired data points, row-major {@code B x D}; row {@code i} is paired with row {@code i} of {@code x0}
     * @param rows {@code B}, {@code >= 1}
     * @return {@code C}
     */
    public static double transportCost(double[] x0, double[] x1, int rows) {
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(x1, "x1");
        if (rows < 1 || x0.length != x1.length || x0.length % rows != 0) {
            throw new ConfigurationException("transport cost needs x0 and x1 of rows x D values, got " + x0.length
                    + " and " + x1.length + " values for " + rows + " rows");
        }
        double sum = 0;
        for (int i = 0; i < x0.length; i++) {
            double d = x1[i] - x0[i];
            sum += d * d;
        }
        return sum / rows;
    }

    /**
     * The straightness of {@code model}'s flow from the given starting points, with {@code steps}
     * fixed RK4 steps (25 is plenty for smooth fields; {@code 4 * steps + steps + 1} evaluations per chunk).
     *
     * @param model the learned velocity field, in its own coordinates
     * @param x0 starting points (usually noise), row-major {@code rows x D}
     * @param rows the number of trajectories, {@code >= 1}
     * @param steps RK4 steps, {@code >= 1}
     * @return {@code S} and its terms
     */
    public static Straightness of(VelocityModel model, float[] x0, int rows, int steps) {
        if (steps < 1) {
            throw new ConfigurationException("straightness needs steps >= 1, got " + steps);
        }
        return of(model, RungeKutta.of(RK4), x0, rows, SolveOptions.steps(steps));
    }

    /**
     * The straightness of {@code model}'s flow with any solver: the integral uses the states the
     * solver reports at {@code t0} and at its step ends (or its output grid).
     *
     * @param model the learned velocity field
     * @param solver the integrator
     * @param x0 starting points, row-major {@code rows x D}
     * @param rows the number of trajectories, {@code >= 1}
     * @param options from {@code t0 = 0} to {@code t1 = 1}, with a step budget or tolerances
     * @return {@code S} and its terms
     */
    public static Straightness of(VelocityModel model, OdeSolver solver, float[] x0, int rows, SolveOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(options, "options");
        int dim = model.spec().dim();
        if (rows < 1 || x0.length != (long) rows * dim) {
            throw new ConfigurationException("straightness needs rows >= 1 and rows x " + dim + " starting values, got "
                    + x0.length + " values for " + rows + " rows");
        }
        if (options.t0() != 0 || options.t1() != 1) {
            throw new ConfigurationException("straightness integrates from t = 0 to t = 1, got t0 = " + options.t0()
                    + ", t1 = " + options.t1());
        }
        Backend backend = model.backend();
        double energy = 0;
        double displacement = 0;
        int nfe = 0;
        for (int from = 0; from < rows; from += CHUNK) {
            int n = Math.min(CHUNK, rows - from);
            float[] chunk = new float[n * dim];
            System.arraycopy(x0, from * dim, chunk, 0, chunk.length);
            Trapezoid integral = new Trapezoid(model, n);
            try (TensorScope scope = backend.openScope()) {
                Tensor start = backend.fromArray(chunk, n, dim);
                var solution = solver.solve(model::velocity, start, options.withStepHandler(integral));
                double[] end = solution.x().toDoubleArray();
                for (int i = 0; i < end.length; i++) {
                    double d = end[i] - chunk[i];
                    displacement += d * d;
                }
                nfe += solution.nfe() + integral.evaluations;
            }
            for (double e : integral.sum) {
                energy += e;
            }
        }
        double meanEnergy = energy / rows;
        double meanDisplacement = displacement / rows;
        return new Straightness(meanEnergy - meanDisplacement, meanEnergy, meanDisplacement, rows, nfe);
    }

    /** Accumulates {@code integral |v|^2 dt} per row by the trapezoid rule over the reported states. */
    private static final class Trapezoid implements org.fmjvm.api.solver.StepHandler {
        private final VelocityModel model;
        private final double[] sum;
        private double[] previous;
        private double tPrevious;
        private int evaluations;

        Trapezoid(VelocityModel model, int rows) {
            this.model = model;
            this.sum = new double[rows];
        }

        @Override
        public void handle(double t, Tensor x) {
            double[] speed2;
            try (TensorScope scope = model.backend().openScope()) {
                speed2 = model.velocity(t, x).square().sum(1, false).toDoubleArray();
            }
            evaluations++;
            if (previous != null) {
                double half = (t - tPrevious) / 2;
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += half * (previous[i] + speed2[i]);
                }
            }
            previous = speed2;
            tPrevious = t;
        }
    }
}
