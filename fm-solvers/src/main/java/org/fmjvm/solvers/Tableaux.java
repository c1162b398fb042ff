package org.fmjvm.solvers;

import org.fmjvm.api.solver.ButcherTableau;
import org.fmjvm.api.solver.RungeKutta;

/**
 * The built-in explicit Runge-Kutta methods as published tableaux, and solvers running them with
 * {@link RungeKutta}. Immutable.
 */
public final class Tableaux {

    /** Forward Euler: {@code x += h v(t, x)}; order 1. */
    public static final ButcherTableau EULER = ButcherTableau.of("euler", 1,
            new double[] {0}, new double[][] {{}}, new double[] {1});

    /** Explicit midpoint: {@code x += h v(t + h/2, x + h/2 v(t, x))}; order 2. */
    public static final ButcherTableau MIDPOINT = ButcherTableau.of("midpoint", 2,
            new double[] {0, 0.5}, new double[][] {{}, {0.5}}, new double[] {0, 1});

    /** Heun's method (explicit trapezoid): {@code x += h/2 (k1 + v(t + h, x + h k1))}; order 2. */
    public static final ButcherTableau HEUN = ButcherTableau.of("heun", 2,
            new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.5});

    /** The classic fourth-order Runge-Kutta method. */
    public static final ButcherTableau RK4 = ButcherTableau.of("rk4", 4,
            new double[] {0, 0.5, 0.5, 1},
            new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
            new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6});

    /**
     * Dormand and Prince's 5(4) pair (J. Comput. Appl. Math. 6, 1980): seven stages, FSAL, the
     * fifth-order solution kept and the fourth-order one for the error estimate.
     */
    public static final ButcherTableau DOPRI5 = ButcherTableau.embedded("dopri5", 5, 4, true,
            new double[] {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
            new double[][] {
                {},
                {1.0 / 5},
                {3.0 / 40, 9.0 / 40},
                {44.0 / 45, -56.0 / 15, 32.0 / 9},
                {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}},
            new double[] {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
            new double[] {5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40});

    /** {@code euler} run by {@link RungeKutta}. */
    public static final RungeKutta EULER_SOLVER = RungeKutta.of(EULER);
    /** {@code midpoint} run by {@link RungeKutta}. */
    public static final RungeKutta MIDPOINT_SOLVER = RungeKutta.of(MIDPOINT);
    /** {@code heun} run by {@link RungeKutta}. */
    public static final RungeKutta HEUN_SOLVER = RungeKutta.of(HEUN);
    /** {@code rk4} run by {@link RungeKutta}. */
    public static final RungeKutta RK4_SOLVER = RungeKutta.of(RK4);
    /** {@code dopri5} run by {@link RungeKutta}, with the tolerances and limits of each solve's options. */
    public static final RungeKutta DOPRI5_SOLVER = RungeKutta.of(DOPRI5);

    private Tableaux() {
    }
}
