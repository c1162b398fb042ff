package org.fmjvm.api.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * Runs any explicit Runge-Kutta method given by its {@link ButcherTableau}: the one stepping loop
 * that built-in and plugin solvers share, so a new method is a tableau, not a loop.
 *
 * <p><b>Fixed steps</b> (a tableau without {@code bHat}): {@link SolveOptions#steps()} equal steps
 * from {@code t0} to {@code t1}, times computed as {@code t0 + k (t1 - t0) / steps} so the last
 * step ends exactly at {@code t1}. With an output grid the budget is spread over the grid's
 * intervals in proportion to their lengths (at least one step each, {@code max(steps, intervals)}
 * in all) and every grid point is a step end. NFE is {@code steps * s}, or {@code 1 + steps (s - 1)}
 * for an FSAL tableau.
 *
 * <p><b>Adaptive steps</b> (an embedded tableau). The local error estimate
 * {@code e = h sum_i (b_i - bHat_i) k_i} is measured by the RMS norm over all {@code B * D}
 * elements, {@code err = sqrt(mean((e / (atol + rtol max(|x|, |x_new|)))^2))}, reduced on the
 * device and read as one number per attempt; a step is accepted when {@code err <= 1}, and the
 * solution kept is the {@code b} one (local extrapolation). The next step is {@code h} times a
 * PI-controlled factor {@code 0.9 err^-0.17 errPrev^0.04} (exponent {@code 1/5 - 0.75 * 0.04}, with
 * {@code errPrev} the previous accepted error, at least 1e-4), clamped to {@code [0.2, 10]} and at
 * most 1 right after a rejection; a rejected step shrinks by {@code max(0.2, 0.9 err^-0.17)}. The
 * first attempt is {@link SolveOptions#firstStep()}, or when that is 0 Hairer's initial step
 * selection (one extra evaluation). The last step is shortened to end exactly at {@code t1}.
 * More than {@link SolveOptions#maxSteps()} attempts, or a step too small to advance time, throw a
 * {@link ConfigurationException} naming the time reached. An FSAL tableau's evaluations are
 * {@code 1} (the first stage at {@code t0}) {@code + 1} (if the first step is chosen)
 * {@code + (s - 1)} per attempted step, accepted or rejected. Output grid points inside an
 * accepted step of an FSAL tableau are given by cubic Hermite interpolation between the step's
 * ends, from the states and the velocities there (both evaluations the step made anyway), so steps
 * are never shortened for the grid; a tableau without FSAL shortens steps to land on the grid.
 * The tolerances, step limit and first step come from the options unless {@link #configured}
 * fixed them.
 *
 * <p><b>Tensor scopes</b>, as {@link OdeSolver} asks: each attempt runs in its own scope and keeps
 * only the new state (and for FSAL its last evaluation); the previous state, never the caller's
 * {@code x0}, is closed once replaced. Step handlers see tensors that die with the step's scope.
 * Immutable and thread-safe; each solve is an independent run.
 */
public final class RungeKutta implements OdeSolver {

    private static final double SAFETY = 0.9;
    private static final double EXPONENT = 0.17;
    private static final double BETA = 0.04;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;
    private static final double MIN_ERR_PREV = 1e-4;

    private final ButcherTableau tableau;
    private final Control control;

    /** Adaptive settings fixed when the solver was made, replacing the options'. */
    private record Control(double atol, double rtol, int maxSteps, double firstStep) {
    }

    private RungeKutta(ButcherTableau tableau, Control control) {
        this.tableau = Objects.requireNonNull(tableau, "tableau");
        this.control = control;
    }

    /**
     * @param tableau the method; embedded tableaux step adaptively, others take fixed steps
     * @return a solver running it, taking its adaptive settings from each solve's options
     */
    public static RungeKutta of(ButcherTableau tableau) {
        return new RungeKutta(tableau, null);
    }

    /**
     * @param atol absolute tolerance, {@code > 0}
     * @param rtol relative tolerance, {@code > 0}
     * @param maxSteps the most step attempts, {@code >= 1}
     * @param firstStep the first attempted step, {@code > 0}, or 0 to choose it
     * @return this adaptive method with these settings, used instead of the options'
     * @throws ConfigurationException naming a value out of range
     */
    public RungeKutta configured(double atol, double rtol, int maxSteps, double firstStep) {
        SolveOptions checked = SolveOptions.adaptive(atol, rtol).withMaxSteps(maxSteps).withFirstStep(firstStep);
        if (!tableau.isEmbedded()) {
            throw new ConfigurationException(tableau.name() + " takes fixed steps and has no tolerances to configure");
        }
        return new RungeKutta(tableau, new Control(checked.atol(), checked.rtol(), checked.maxSteps(),
                checked.firstStep()));
    }

    /** @return the method */
    public ButcherTableau tableau() {
        return tableau;
    }

    /** @return the tableau's name, e.g. {@code rk4} */
    public String name() {
        return tableau.name();
    }

    /** @return whether it steps adaptively (the tableau is an embedded pair) */
    public boolean isAdaptive() {
        return tableau.isEmbedded();
    }

    @Override
    public int order() {
        return tableau.order();
    }

    @Override
    public String describe() {
        if (!tableau.isEmbedded()) {
            return tableau.name() + " (fixed step, order " + tableau.order() + ", " + tableau.evaluationsPerStep()
                    + " NFE per step)";
        }
        String settings = control == null ? ""
                : ", rtol = " + control.rtol + ", atol = " + control.atol + ", max-steps = " + control.maxSteps
                        + ", first-step = " + (control.firstStep == 0 ? "auto" : Double.toString(control.firstStep));
        return tableau.name() + " (adaptive, order " + tableau.order() + "(" + tableau.embeddedOrder() + ")"
                + (tableau.fsal() ? ", FSAL" : "") + ", " + tableau.evaluationsPerStep() + " NFE per step" + settings
                + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(options, "options");
        if (x0.rank() != 2) {
            throw new ShapeMismatchException(tableau.name() + ": the initial state must have shape [B, D], got "
                    + Arrays.toString(x0.shape()));
        }
        Run run = new Run(field, x0, options);
        return tableau.isEmbedded() ? run.adaptive() : run.fixed();
    }

    /**
     * @param budget the step budget
     * @param nodes the grid, monotone
     * @return steps per interval: at least one each, {@code max(budget, intervals)} in all, the rest
     *     spread in proportion to the intervals' lengths by rounding cumulative shares
     */
    static int[] distribute(int budget, double[] nodes) {
        int intervals = nodes.length - 1;
        int extra = Math.max(budget, intervals) - intervals;
        double span = nodes[intervals] - nodes[0];
        int[] per = new int[intervals];
        long before = 0;
        for (int i = 0; i < intervals; i++) {
            double share = i + 1 == intervals ? 1 : (nodes[i + 1] - nodes[0]) / span;
            long upTo = (long) Math.floor(extra * share + 1e-9);
            per[i] = 1 + (int) (upTo - before);
            before = upTo;
        }
        return per;
    }

    /** One solve: the state between steps, the counts and the outputs. Confined to the solving thread. */
    private final class Run {
        private final VelocityField field;
        private final Tensor x0;
        private final SolveOptions options;
        private final Backend backend;
        private final List<StepHandler> handlers = new ArrayList<>();
        private final TrajectoryRecorder recorder;
        /** The output grid, or null to output every step end. */
        private final double[] out;
        private final double dir;
        private int nextOut = 1;
        private Tensor x;
        /** The velocity at the current state when it is known (FSAL, or kept after a rejection), else null. */
        private Tensor carried;
        private double t;
        private int nfe;
        private int accepted;
        private int rejected;

        Run(VelocityField field, Tensor x0, SolveOptions options) {
            this.field = field;
            this.x0 = x0;
            this.options = options;
            this.backend = x0.backend();
            this.recorder = options.captureTrajectory() ? new TrajectoryRecorder(x0.dim(0), x0.dim(1)) : null;
            if (recorder != null) {
                handlers.add(recorder);
            }
            handlers.addAll(options.stepHandlers());
            this.out = options.hasGrid() ? options.grid() : null;
            this.dir = Math.signum(options.t1() - options.t0());
            this.x = x0;
            this.t = options.t0();
        }

        Solution fixed() {
            int budget = options.steps();
            if (budget < 1) {
                throw new ConfigurationException(tableau.name() + " takes fixed steps: give a step budget >= 1"
                        + " (SolveOptions.steps(n)), got steps = " + budget);
            }
            double[] nodes = out != null ? out : new double[] {options.t0(), options.t1()};
            int[] per = distribute(budget, nodes);
            emit(options.t0(), x0);
            for (int i = 0; i < per.length; i++) {
                int n = per[i];
                double a = nodes[i];
                double span = nodes[i + 1] - a;
                for (int k = 0; k < n; k++) {
                    double ta = a + span * k / n;
                    double tb = k + 1 == n ? nodes[i + 1] : a + span * (k + 1) / n;
                    attempt(ta, tb, null);
                    notifyListeners(tb - ta);
                }
            }
            return finish();
        }

        Solution adaptive() {
            Control c = control != null ? control
                    : new Control(options.atol(), options.rtol(), options.maxSteps(), options.firstStep());
            double t1 = options.t1();
            double span = Math.abs(t1 - options.t0());
            emit(options.t0(), x0);
            try (TensorScope scope = backend.openScope()) {
                carried = scope.keep(eval(t, x0));
            }
            double h = dir * (c.firstStep > 0 ? Math.min(c.firstStep, span) : initialStep(c, span));
            double errPrev = MIN_ERR_PREV;
            boolean lastRejected = false;
            int attempts = 0;
            while (t != t1) {
                if (attempts == c.maxSteps) {
                    throw new ConfigurationException(tableau.name() + " stopped at t = " + t + " after " + attempts
                            + " step attempts (max-steps; " + accepted + " accepted, " + rejected
                            + " rejected) without reaching t1 = " + t1 + "; raise max-steps or loosen the tolerances"
                            + " (atol = " + c.atol + ", rtol = " + c.rtol + ")");
                }
                attempts++;
                double limit = out != null && !tableau.fsal() ? out[nextOut] : t1;
                double tNext = dir * (t + h - limit) >= 0 ? limit : t + h;
                if (tNext == t) {
                    throw new ConfigurationException(tableau.name() + ": the step size fell to " + h + " at t = " + t
                            + ", too small to advance time (is the field finite and non-stiff?); loosen the tolerances"
                            + " (atol = " + c.atol + ", rtol = " + c.rtol + ")");
                }
                double hUsed = tNext - t;
                double err = attempt(t, tNext, c);
                double factor;
                if (err <= 1) {
                    notifyListeners(hUsed);
                    factor = err == 0 ? MAX_FACTOR
                            : clamp(SAFETY * Math.pow(err, -EXPONENT) * Math.pow(errPrev, BETA));
                    if (lastRejected) {
                        factor = Math.min(1, factor);
                    }
                    errPrev = Math.max(err, MIN_ERR_PREV);
                    lastRejected = false;
                } else {
                    factor = Double.isFinite(err) ? Math.max(MIN_FACTOR, SAFETY * Math.pow(err, -EXPONENT)) : MIN_FACTOR;
                    lastRejected = true;
                }
                h = hUsed * factor;
            }
            return finish();
        }

        private double clamp(double factor) {
            return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, factor));
        }

        /** Hairer's initial step (Solving ODEs I, II.4), from the velocity at t0 and one more evaluation. */
        private double initialStep(Control c, double span) {
            try (TensorScope scope = backend.openScope()) {
                Tensor sc = x0.abs().mul(c.rtol).add(c.atol);
                double d0 = rms(x0.div(sc));
                double d1 = rms(carried.div(sc));
                double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
                h0 = Math.min(h0, span);
                Tensor x1 = x0.add(carried.mul(dir * h0));
                Tensor f1 = eval(options.t0() + dir * h0, x1);
                double d2 = rms(f1.sub(carried).div(sc)) / h0;
                double m = Math.max(d1, d2);
                int p = Math.min(tableau.order(), tableau.embeddedOrder());
                double h1 = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 1.0 / (p + 1));
                return Math.min(Math.min(100 * h0, h1), span);
            }
        }

        /**
         * One attempted step from the current state at {@code ta} to {@code tb}, in its own scope;
         * accepted when fixed or when the error norm is at most 1.
         *
         * @return the error norm (0 for fixed steps)
         */
        private double attempt(double ta, double tb, Control c) {
            double h = tb - ta;
            int s = tableau.stages();
            Tensor[] k = new Tensor[s];
            double err = 0;
            try (TensorScope scope = backend.openScope()) {
                k[0] = carried != null ? carried : eval(ta, x);
                int last = tableau.fsal() ? s - 1 : s;
                for (int i = 1; i < last; i++) {
                    int row = i;
                    Tensor xi = combine(x, h, k, i, j -> tableau.aAt(row, j));
                    double ci = tableau.cAt(i);
                    k[i] = eval(ci == 1 ? tb : ta + ci * h, xi);
                }
                Tensor xNew = combine(x, h, k, last, tableau::bAt);
                if (tableau.fsal()) {
                    k[s - 1] = eval(tb, xNew);
                }
                if (c != null) {
                    Tensor e = combine(null, h, k, s, j -> tableau.bAt(j) - tableau.bHatAt(j));
                    err = e == null ? 0 : errorNorm(e, x, xNew, c);
                }
                if (c == null || err <= 1) {
                    emitWithin(ta, tb, h, k[0], xNew, tableau.fsal() ? k[s - 1] : null);
                    Tensor keptX = scope.keep(xNew);
                    Tensor keptK = tableau.fsal() ? scope.keep(k[s - 1]) : null;
                    if (x != x0) {
                        x.close();
                    }
                    if (carried != null) {
                        carried.close();
                    }
                    x = keptX;
                    carried = keptK;
                    t = tb;
                    accepted++;
                } else {
                    rejected++;
                    if (carried == null) {
                        carried = scope.keep(k[0]);
                    }
                }
            }
            return err;
        }

        /** @return {@code base + h sum_{j < upTo} w(j) k_j}, skipping zero weights; {@code base} may be null */
        private Tensor combine(Tensor base, double h, Tensor[] k, int upTo, IntToDoubleFunction w) {
            Tensor sum = null;
            for (int j = 0; j < upTo; j++) {
                double coef = w.applyAsDouble(j);
                if (coef != 0) {
                    Tensor term = k[j].mul(coef * h);
                    sum = sum == null ? term : sum.add(term);
                }
            }
            if (base == null || sum == null) {
                return sum == null ? base : sum;
            }
            return base.add(sum);
        }

        private double errorNorm(Tensor e, Tensor xa, Tensor xb, Control c) {
            Tensor a = xa.abs();
            Tensor b = xb.abs();
            Tensor larger = a.add(b).add(a.sub(b).abs()).mul(0.5);
            return rms(e.div(larger.mul(c.rtol).add(c.atol)));
        }

        private double rms(Tensor v) {
            return Math.sqrt(v.square().mean().item());
        }

        private Tensor eval(double at, Tensor state) {
            nfe++;
            return field.velocity(at, state);
        }

        /** Reports the output times in {@code (ta, tb]}: every step end without a grid, else the grid points. */
        private void emitWithin(double ta, double tb, double h, Tensor fa, Tensor xb, Tensor fb) {
            if (handlers.isEmpty()) {
                return;
            }
            if (out == null) {
                emit(tb, xb);
                return;
            }
            while (nextOut < out.length && dir * (out[nextOut] - tb) <= 0) {
                double g = out[nextOut++];
                if (g == tb) {
                    emit(g, xb);
                } else {
                    emit(g, hermite((g - ta) / h, h, x, fa, xb, fb));
                }
            }
        }

        /**
         * Cubic Hermite interpolation at {@code theta} in [0, 1] from the states and velocities at both
         * ends: {@code (1 - th) xa + th xb + th (th - 1) ((1 - 2 th)(xb - xa) + (th - 1) h fa + th h fb)}.
         */
        private Tensor hermite(double th, double h, Tensor xa, Tensor fa, Tensor xb, Tensor fb) {
            Tensor bracket = xb.sub(xa).mul(1 - 2 * th).add(fa.mul((th - 1) * h)).add(fb.mul(th * h));
            return xa.mul(1 - th).add(xb.mul(th)).add(bracket.mul(th * (th - 1)));
        }

        private void emit(double at, Tensor state) {
            for (StepHandler handler : handlers) {
                handler.handle(at, state);
            }
        }

        private void notifyListeners(double h) {
            if (options.listeners().isEmpty()) {
                return;
            }
            SolverStep event = new SolverStep(accepted, t, h, nfe);
            for (SolverListener l : options.listeners()) {
                l.onStep(event);
            }
        }

        private Solution finish() {
            if (carried != null) {
                carried.close();
                carried = null;
            }
            Optional<Trajectory> trajectory = recorder == null ? Optional.empty() : Optional.of(recorder.trajectory());
            return new Solution(x, nfe, accepted, trajectory, rejected);
        }
    }
}
