package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleFunction;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.SolverStep;
import org.fmjvm.api.solver.Trajectory;
import org.fmjvm.api.solver.VelocityField;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OdeSolver} must do, run against one solver. A plugin author subclasses it once
 * per solver, naming the solver; the backend is the preferred one on the test class path unless
 * {@link #createBackend()} is overridden:
 *
 * <pre>{@code
 * class MySolverContractTest extends SolverContract {
 *     protected OdeSolver solver() { return new MySolver(); }
 * }
 * }</pre>
 *
 * Every check compares with a value computed without the solver, in float64:
 *
 * <ul>
 *   <li><b>Exact solutions.</b> {@code dx/dt = c} ends at {@code x0 + c (t1 - t0)} for every solver
 *       and step budget; {@code dx/dt = (k + 1) t^k a} ends at {@code x0 + a (t1^(k+1) - t0^(k+1))}
 *       for every degree {@code k < order()} (up to 4), since a Runge-Kutta method of order
 *       {@code p} integrates polynomials in {@code t} of degree below {@code p} without error.
 *       Both to 1e-12, forwards, backwards and on an inner interval.
 *   <li><b>Error against a closed form.</b> {@code dx/dt = -x} is compared with
 *       {@code x0 e^-(t - t0)}: with {@code n} steps of size {@code h} the error is at most
 *       {@code |h|^order} times the largest {@code |x|} on the interval, and shrinks each time
 *       {@code n} doubles (4 to 32 steps), forwards and backwards.
 *   <li><b>Convergence order</b> (fixed-step solvers). On the rotation {@code dx/dt = 2 (-y, x)},
 *       whose solution turns {@code x0} by the angle {@code 2 (t1 - t0)}, the step budget doubles
 *       from 1 to 1024 until the error falls below 1e-10 (where float64 rounding would spoil the
 *       ratio); over the finest halving whose errors lie in [1e-10, 0.1],
 *       {@code log2(e(n) / e(2n))} is within 0.3 of {@code order()}, forwards and backwards.
 *       Adaptive solvers ({@link #fixedStep()} false) instead must shrink the error as the
 *       tolerances tighten, to below 1e-6 at 1e-9.
 *   <li><b>Counting.</b> {@code nfe} equals the calls a wrapping {@link VelocityField} counted;
 *       {@code steps} equals the listener events, and the budget for a fixed-step solver; events
 *       are numbered 1, 2, ..., report the calls made so far, advance by their {@code h} (equal
 *       steps for a fixed-step solver) and the last one reaches {@code t1} exactly. The field
 *       is only asked about times in {@code [t0, t1]} and states of {@code x0}'s shape and dtype,
 *       and it and the listeners are called on the solving thread.
 *   <li><b>Trajectory.</b> Recorded only when asked, without changing the result: times from
 *       {@code t0} to {@code t1} (those of the listener events), the first state {@code x0}, the
 *       last the final state, each state near the closed form at its time.
 *   <li><b>Tensor scopes</b> (the rules on {@link OdeSolver}): after a 40-step solve the only new
 *       live tensor is the final state, it is owned by the caller's current scope (closing that
 *       scope brings {@link Backend#liveTensors()} back), the live count is the same after every
 *       step, and {@code x0} is still open with the same values; a field that throws leaves no
 *       scope of the solver open; a solve started from a listener of another solve of the same
 *       solver changes nothing in the outer run (solves are independent).
 *   <li><b>Shapes.</b> The result has {@code x0}'s shape and dtype (float32 and float64, the two
 *       agreeing to float32 precision); an {@code x0} not of rank 2 fails with
 *       {@link ShapeMismatchException} naming its shape. {@code describe()} is one line and
 *       {@code order()} at least 1.
 * </ul>
 *
 * Inputs are seeded and no check reads a clock, so the suite gives the same verdict on every run.
 */
public abstract class SolverContract extends ScopedBackendSuite {

    private static final int B = 4;
    private static final int D = 3;
    private static final double EXACT = 1e-12;
    private static final double ROTATION_SPEED = 2;
    private static final int MAX_STEPS = 1024;
    private static final double ERROR_FLOOR = 1e-10;
    private static final double ERROR_CEILING = 0.1;
    private static final double ORDER_SLACK = 0.3;
    private static final double[][] INTERVALS = {{0, 1}, {1, 0}, {0.2, 0.9}};
    private static final int[] BUDGETS = {1, 3, 10};

    /** dx/dt = -x. */
    private static final VelocityField DECAY = (t, x) -> x.neg();

    /** @return the solver under test; may be called more than once and must return equal solvers */
    protected abstract OdeSolver solver();

    /** @return the preferred backend on the test class path ({@link BackendsOnClassPath#openPreferred()}) */
    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    /**
     * @return whether the solver takes {@link SolveOptions#steps()} equal steps (true by default);
     *     an adaptive solver, which chooses its steps from the tolerances, returns false and is
     *     checked against the tolerances instead of the step budget
     */
    protected boolean fixedStep() {
        return true;
    }

    // ---------------------------------------------------------------- exact solutions

    /** {@code dx/dt = c} ends at {@code x0 + c (t1 - t0)} to 1e-12, for any solver and step budget. */
    @Test
    public void constantFieldIsIntegratedExactly() {
        double[] c = {0.75, -1.25, 2.5};
        double[] x0 = normals(1, B * D);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : INTERVALS) {
            for (int n : BUDGETS) {
                double[] want = new double[B * D];
                for (int k = 0; k < want.length; k++) {
                    want[k] = x0[k] + c[k % D] * (interval[1] - interval[0]);
                }
                double[] got = solveToHost(timeOnly(t -> c), x0, options(interval, n));
                check(wrong, "dx/dt = c from " + interval[0] + " to " + interval[1] + " in " + n + " steps",
                        got, want, EXACT);
            }
        }
        failIfAny("a constant field is not integrated exactly", wrong);
    }

    /**
     * {@code dx/dt = (k + 1) t^k a} ends at {@code x0 + a (t1^(k+1) - t0^(k+1))} to 1e-12 for every
     * degree {@code 1 <= k < order()} (up to 4): a method of order {@code p} integrates polynomials
     * in {@code t} of degree below {@code p} exactly. Skipped for order 1.
     */
    @Test
    public void timePolynomialsBelowTheOrderAreIntegratedExactly() {
        int order = solver().order();
        assumeThat(order).as("order() (dx/dt = a t needs order 2)").isGreaterThanOrEqualTo(2);
        double[] a = {1.5, -0.5, 3.0};
        double[] x0 = normals(2, B * D);
        List<String> wrong = new ArrayList<>();
        for (int degree = 1; degree < Math.min(order, 5); degree++) {
            int k = degree;
            for (double[] interval : INTERVALS) {
                for (int n : BUDGETS) {
                    double rise = Math.pow(interval[1], k + 1) - Math.pow(interval[0], k + 1);
                    double[] want = new double[B * D];
                    for (int i = 0; i < want.length; i++) {
                        want[i] = x0[i] + a[i % D] * rise;
                    }
                    VelocityField f = timeOnly(t -> {
                        double[] v = new double[D];
                        for (int j = 0; j < D; j++) {
                            v[j] = (k + 1) * Math.pow(t, k) * a[j];
                        }
                        return v;
                    });
                    double[] got = solveToHost(f, x0, options(interval, n));
                    check(wrong, "dx/dt = " + (k + 1) + " t^" + k + " a from " + interval[0] + " to " + interval[1]
                            + " in " + n + " steps", got, want, EXACT);
                }
            }
        }
        failIfAny("a polynomial in t of degree below order() = " + order + " is not integrated exactly", wrong);
    }

    // ---------------------------------------------------------------- error against closed forms

    /**
     * {@code dx/dt = -x} against {@code x0 e^-(t1 - t0)}: with {@code n = 4, 8, 16, 32} steps of size
     * {@code h} the error is at most {@code |h|^order} times the largest {@code |x|} on the interval,
     * and it shrinks every time {@code n} doubles (until it reaches float64 rounding), forwards and
     * backwards. Fixed-step solvers only.
     */
    @Test
    public void decayErrorIsBoundedByTheStepAndShrinks() {
        assumeThat(fixedStep()).as("fixed-step solver").isTrue();
        int order = solver().order();
        double[] x0 = normals(3, B * D);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : new double[][] {{0, 1}, {1, 0}}) {
            double[] want = decayed(x0, interval[1] - interval[0]);
            double scale = Math.max(Checks.maxAbs(x0), Checks.maxAbs(want));
            double previous = Double.POSITIVE_INFINITY;
            for (int n = 4; n <= 32; n *= 2) {
                double h = Math.abs(interval[1] - interval[0]) / n;
                double err = maxAbsDiff(solveToHost(DECAY, x0, options(interval, n)), want);
                String where = "from " + interval[0] + " to " + interval[1] + " in " + n + " steps";
                if (!(err <= Math.pow(h, order) * scale)) {
                    wrong.add(where + ": error " + err + " exceeds |h|^order * max|x| = " + Math.pow(h, order) * scale);
                }
                if (!(err < previous || err <= ERROR_FLOOR * scale)) {
                    wrong.add(where + ": error " + err + " did not shrink from " + previous + " with half the step");
                }
                previous = err;
            }
        }
        failIfAny("dx/dt = -x against exp(-t)", wrong);
    }

    /**
     * On the rotation {@code dx/dt = 2 (-y, x)}, halving the step divides the error by about
     * {@code 2^order()}: the observed order {@code log2(e(n) / e(2n))} over the finest halving with
     * both errors in [1e-10, 0.1] is within 0.3 of {@code order()}, forwards and backwards.
     * Fixed-step solvers only.
     */
    @Test
    public void halvingTheStepDividesTheErrorByTwoToTheOrder() {
        assumeThat(fixedStep()).as("fixed-step solver").isTrue();
        int order = solver().order();
        double[] x0 = normals(4, B * 2);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : new double[][] {{0, 1}, {1, 0}}) {
            double[] want = rotated(x0, ROTATION_SPEED * (interval[1] - interval[0]));
            List<Double> errors = new ArrayList<>();
            for (int n = 1; n <= MAX_STEPS; n *= 2) {
                double err = maxAbsDiff(solveToHost(rotation(), x0, 2, options(interval, n)), want);
                errors.add(err);
                if (err < ERROR_FLOOR) {
                    break;
                }
            }
            int finest = -1;
            for (int i = 0; i + 1 < errors.size(); i++) {
                if (errors.get(i) <= ERROR_CEILING && errors.get(i + 1) >= ERROR_FLOOR) {
                    finest = i;
                }
            }
            String where = "from " + interval[0] + " to " + interval[1] + ", errors for 1, 2, 4, ... steps " + errors;
            if (finest < 0) {
                wrong.add(where + ": no halving with both errors in [" + ERROR_FLOOR + ", " + ERROR_CEILING + "]");
                continue;
            }
            double observed = Math.log(errors.get(finest) / errors.get(finest + 1)) / Math.log(2);
            if (!(Math.abs(observed - order) <= ORDER_SLACK)) {
                wrong.add(where + ": from " + (1 << finest) + " to " + (2 << finest) + " steps the error fell by 2^"
                        + observed + ", but order() is " + order);
            }
        }
        failIfAny("the observed convergence order is not order()", wrong);
    }

    /**
     * An adaptive solver shrinks the error as the tolerances tighten from 1e-3 to 1e-9 (by 100 each
     * time, until float64 rounding), to below 1e-6 at 1e-9, on {@code dx/dt = -x} and the rotation,
     * forwards and backwards. Adaptive solvers only.
     */
    @Test
    public void adaptiveErrorFollowsTheTolerances() {
        assumeThat(fixedStep()).as("fixed-step solver").isFalse();
        double[] x0 = normals(5, B * 2);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : new double[][] {{0, 1}, {1, 0}}) {
            double span = interval[1] - interval[0];
            for (boolean rotate : new boolean[] {false, true}) {
                double[] want = rotate ? rotated(x0, ROTATION_SPEED * span) : decayed(x0, span);
                double previous = Double.POSITIVE_INFINITY;
                for (double tol = 1e-3; tol >= 1e-9; tol /= 100) {
                    SolveOptions o = options(interval, 16).withTolerances(tol, tol);
                    double err = maxAbsDiff(solveToHost(rotate ? rotation() : DECAY, x0, 2, o), want);
                    String where = (rotate ? "rotation" : "dx/dt = -x") + " from " + interval[0] + " to " + interval[1]
                            + " at tolerance " + tol;
                    if (!(err < previous || err <= ERROR_FLOOR)) {
                        wrong.add(where + ": error " + err + " did not shrink from " + previous);
                    }
                    if (tol < 1e-8 && !(err <= 1e-6)) {
                        wrong.add(where + ": error " + err + " above 1e-6");
                    }
                    previous = err;
                }
            }
        }
        failIfAny("the error does not follow the tolerances", wrong);
    }

    // ---------------------------------------------------------------- counting and listeners

    /**
     * {@code nfe} equals the calls a wrapping field counted and {@code steps} the listener events
     * (and the budget of a fixed-step solver); events are numbered from 1, report the calls made so
     * far, advance by their {@code h}, and the last reaches {@code t1} exactly; the field only sees
     * times in {@code [t0, t1]} and states of {@code x0}'s shape and dtype; field and listeners run
     * on the solving thread. Forwards and backwards.
     */
    @Test
    public void countsEvaluationsAndStepsAsTheyHappen() {
        int budget = 7;
        double[] x0 = normals(6, B * D);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : new double[][] {{0, 1}, {1, 0}}) {
            double t0 = interval[0];
            double t1 = interval[1];
            double lo = Math.min(t0, t1) - EXACT;
            double hi = Math.max(t0, t1) + EXACT;
            String where = "from " + t0 + " to " + t1 + ": ";
            int[] calls = {0};
            Thread caller = Thread.currentThread();
            VelocityField counting = (t, x) -> {
                calls[0]++;
                if (Thread.currentThread() != caller) {
                    wrong.add(where + "the field was called on " + Thread.currentThread() + ", not the solving thread");
                }
                if (!(t >= lo && t <= hi)) {
                    wrong.add(where + "the field was asked about t = " + t + ", outside the interval");
                }
                if (!Arrays.equals(x.shape(), new int[] {B, D}) || x.dtype() != DType.FLOAT64) {
                    wrong.add(where + "the field got a state " + x.dtype() + " " + Arrays.toString(x.shape())
                            + ", x0 is FLOAT64 " + Arrays.toString(new int[] {B, D}));
                }
                return x.neg();
            };
            List<SolverStep> events = new ArrayList<>();
            List<Integer> callsAtEvents = new ArrayList<>();
            SolveOptions o = options(interval, budget).withListener(e -> {
                if (Thread.currentThread() != caller) {
                    wrong.add(where + "a listener was called on " + Thread.currentThread() + ", not the solving thread");
                }
                events.add(e);
                callsAtEvents.add(calls[0]);
            });
            int nfe;
            int steps;
            try (TensorScope scope = backend().openScope()) {
                Solution s = solver().solve(counting, tensor(DType.FLOAT64, x0, B, D), o);
                nfe = s.nfe();
                steps = s.steps();
            }
            if (nfe != calls[0]) {
                wrong.add(where + "nfe is " + nfe + " but the field was called " + calls[0] + " times");
            }
            if (steps != events.size()) {
                wrong.add(where + "steps is " + steps + " but listeners heard of " + events.size() + " steps");
            }
            if (fixedStep() && steps != budget) {
                wrong.add(where + "steps is " + steps + " for a budget of " + budget + " fixed steps");
            }
            if (events.isEmpty()) {
                wrong.add(where + "no listener event");
                continue;
            }
            double t = t0;
            for (int k = 0; k < events.size(); k++) {
                SolverStep e = events.get(k);
                if (e.step() != k + 1) {
                    wrong.add(where + "event " + (k + 1) + " reports step " + e.step());
                }
                if (e.nfe() != callsAtEvents.get(k)) {
                    wrong.add(where + "event " + (k + 1) + " reports nfe " + e.nfe() + " after " + callsAtEvents.get(k)
                            + " calls");
                }
                if (!(Math.signum(e.h()) == Math.signum(t1 - t0) && Math.abs(e.t() - (t + e.h())) <= EXACT)) {
                    wrong.add(where + "event " + (k + 1) + " reaches t = " + e.t() + " from " + t + " with h = " + e.h());
                }
                if (fixedStep() && !(Math.abs(e.h() - (t1 - t0) / budget) <= EXACT)) {
                    wrong.add(where + "event " + (k + 1) + " has h = " + e.h() + ", the fixed step is " + (t1 - t0) / budget);
                }
                t = e.t();
            }
            if (events.get(events.size() - 1).t() != t1) {
                wrong.add(where + "the last event reaches t = " + events.get(events.size() - 1).t() + ", not exactly " + t1);
            }
        }
        failIfAny("the counts do not match what happened", wrong);
    }

    // ---------------------------------------------------------------- trajectory

    /**
     * No trajectory unless asked; asked, it does not change the result, its times run from
     * {@code t0} to {@code t1} through the listener events' times, its first state is {@code x0} and
     * its last the final state, and every state is within the error bound of {@code x0 e^-(t - t0)}
     * on {@code dx/dt = -x}. Forwards and backwards.
     */
    @Test
    public void recordsTheTrajectoryWhenAsked() {
        int budget = 8;
        int order = solver().order();
        double[] x0 = normals(7, B * D);
        float[] x0f = toFloats(x0);
        List<String> wrong = new ArrayList<>();
        for (double[] interval : new double[][] {{0, 1}, {1, 0}}) {
            double t0 = interval[0];
            double t1 = interval[1];
            String where = "from " + t0 + " to " + t1 + ": ";
            List<SolverStep> events = new ArrayList<>();
            try (TensorScope caller = backend().openScope()) {
                Tensor start = tensor(DType.FLOAT64, x0, B, D);
                Solution plain = solver().solve(DECAY, start, options(interval, budget));
                if (plain.trajectory().isPresent()) {
                    wrong.add(where + "a trajectory was recorded without being asked for");
                }
                Solution s = solver().solve(DECAY, start, options(interval, budget).withTrajectory().withListener(events::add));
                double[] x = s.x().toDoubleArray();
                if (!Arrays.equals(x, plain.x().toDoubleArray())) {
                    wrong.add(where + "recording the trajectory changed the result");
                }
                Optional<Trajectory> recorded = s.trajectory();
                if (recorded.isEmpty()) {
                    wrong.add(where + "no trajectory although one was asked for");
                    continue;
                }
                Trajectory tr = recorded.get();
                double[] times = tr.times();
                if (tr.rows() != B || tr.dim() != D) {
                    wrong.add(where + "the trajectory says " + tr.rows() + " x " + tr.dim() + ", x0 is " + B + " x " + D);
                }
                if (times.length != s.steps() + 1) {
                    wrong.add(where + times.length + " recorded times for " + s.steps() + " steps");
                    continue;
                }
                if (times[0] != t0 || times[times.length - 1] != t1) {
                    wrong.add(where + "the times run from " + times[0] + " to " + times[times.length - 1]);
                }
                for (int k = 1; k < times.length && k <= events.size(); k++) {
                    if (!(Math.abs(times[k] - events.get(k - 1).t()) <= EXACT)) {
                        wrong.add(where + "recorded time " + k + " is " + times[k] + ", the event says " + events.get(k - 1).t());
                    }
                }
                if (!Arrays.equals(tr.states().get(0), x0f)) {
                    wrong.add(where + "the first state is not x0");
                }
                if (!Arrays.equals(tr.states().get(times.length - 1), s.x().toFloatArray())) {
                    wrong.add(where + "the last state is not the final state");
                }
                double h = Math.abs(t1 - t0) / budget;
                for (int k = 0; k < times.length; k++) {
                    double[] want = decayed(x0, times[k] - t0);
                    double scale = Math.max(Checks.maxAbs(x0), Checks.maxAbs(want));
                    double err = maxAbsDiff(toDoubles(tr.states().get(k)), want);
                    if (!(err <= (Math.pow(h, order) + 1e-6) * scale)) {
                        wrong.add(where + "the state at t = " + times[k] + " is off the closed form by " + err);
                    }
                }
            }
        }
        failIfAny("the trajectory is wrong", wrong);
    }

    // ---------------------------------------------------------------- tensor scopes

    /**
     * After a 40-step solve inside a caller's scope, the only new live tensor is the final state,
     * owned by that scope (closing it restores {@link Backend#liveTensors()}); the live count is the
     * same after every step, so nothing accumulates per step; {@code x0}, made in an outer scope,
     * is still open with its values unchanged.
     */
    @Test
    public void keepsOnlyTheFinalStateAliveInTheCallersScope() {
        double[] values = normals(8, B * D);
        Tensor x0 = tensor(DType.FLOAT64, values, B, D);
        long live = backend().liveTensors();
        List<Long> liveAfterEachStep = new ArrayList<>();
        SolveOptions o = options(new double[] {0, 1}, 40).withListener(e -> liveAfterEachStep.add(backend().liveTensors()));
        try (TensorScope caller = backend().openScope()) {
            Solution s = solver().solve(DECAY, x0, o);
            assertThat(s.x()).as("the final state is a new tensor, not x0").isNotSameAs(x0);
            assertThat(backend().liveTensors() - live).as("tensors the solve left alive (only the final state may be)")
                    .isEqualTo(1);
            assertThat(caller.size()).as("tensors in the caller's current scope (the final state belongs there)")
                    .isEqualTo(1);
            assertThat(liveAfterEachStep).as("live tensors after each step (must not grow with the steps)")
                    .isNotEmpty().containsOnly(liveAfterEachStep.get(0));
        }
        assertThat(backend().liveTensors()).as("live tensors once the caller's scope closed").isEqualTo(live);
        assertThat(read(x0, "x0 after the solve")).as("x0 after the solve").containsExactly(values);
    }

    /**
     * A field that throws on its third call: the exception comes out of {@code solve}, every scope
     * the solver opened is closed again (a tensor made afterwards lands in the caller's scope, and
     * closing that scope succeeds and frees everything the run made), and {@code x0} is untouched.
     */
    @Test
    public void aFailingFieldLeavesNoScopeOpen() {
        double[] values = normals(9, B * D);
        Tensor x0 = tensor(DType.FLOAT64, values, B, D);
        long live = backend().liveTensors();
        RuntimeException failure = new IllegalStateException("a field failure staged by the solver contract");
        int[] calls = {0};
        VelocityField failing = (t, x) -> {
            if (++calls[0] == 3) {
                throw failure;
            }
            return x.neg();
        };
        try (TensorScope caller = backend().openScope()) {
            Throwable thrown = catchThrowable(() -> solver().solve(failing, x0, options(new double[] {0, 1}, 10)));
            assertThat(causes(thrown)).as("the exception out of solve() and its causes").contains(failure);
            int before = caller.size();
            backend().full(0, 1);
            assertThat(caller.size()).as("a tensor made after the failed solve belongs to the caller's scope")
                    .isEqualTo(before + 1);
        }
        assertThat(backend().liveTensors()).as("live tensors once the caller's scope closed").isEqualTo(live);
        assertThat(read(x0, "x0 after the failed solve")).containsExactly(values);
    }

    /**
     * Solves are independent runs: one started from a listener of another, on the same solver
     * object, leaves the outer run's result, {@code nfe} and {@code steps} exactly as a solve on
     * its own gives them; a second plain solve repeats the first exactly.
     */
    @Test
    public void solvesAreIndependentRuns() {
        OdeSolver solver = solver();
        double[] values = normals(10, B * D);
        double[] other = normals(11, B * D);
        Tensor x0 = tensor(DType.FLOAT64, values, B, D);
        SolveOptions o = options(new double[] {0, 1}, 6);
        try (TensorScope caller = backend().openScope()) {
            Solution first = solver.solve(DECAY, x0, o);
            Solution again = solver.solve(DECAY, x0, o);
            assertThat(again.x().toDoubleArray()).as("a second solve").containsExactly(first.x().toDoubleArray());
            assertThat(again.nfe()).as("nfe of a second solve").isEqualTo(first.nfe());
            int[] inner = {0};
            SolveOptions reentrant = o.withListener(e -> {
                if (e.step() == 1) {
                    try (TensorScope s = backend().openScope()) {
                        Tensor y = tensor(DType.FLOAT64, other, B, D);
                        solver.solve(timeOnly(t -> new double[] {1, 2, 3}), y, options(new double[] {1, 0.5}, 3));
                        inner[0]++;
                    }
                }
            });
            Solution outer = solver.solve(DECAY, x0, reentrant);
            assertThat(inner[0]).as("inner solves run from the listener").isEqualTo(1);
            assertThat(outer.x().toDoubleArray()).as("the outer result with a solve run from its listener")
                    .containsExactly(first.x().toDoubleArray());
            assertThat(outer.nfe()).as("the outer nfe with a solve run from its listener").isEqualTo(first.nfe());
            assertThat(outer.steps()).as("the outer steps with a solve run from its listener").isEqualTo(first.steps());
        }
    }

    // ---------------------------------------------------------------- shapes

    /**
     * The final state has {@code x0}'s shape and dtype, float32 and float64, and the two agree to
     * float32 precision (1e-5 of the largest value).
     */
    @Test
    public void resultFollowsTheShapeAndDtypeOfX0() {
        double[] values = roundToFloat(normals(12, B * D));
        double[][] results = new double[2][];
        for (DType dtype : DType.values()) {
            Solution s = solver().solve(DECAY, tensor(dtype, values, B, D), options(new double[] {0, 1}, 8));
            assertThat(s.x().shape()).as("%s final state shape", dtype).containsExactly(B, D);
            assertThat(s.x().dtype()).as("final state dtype for %s x0", dtype).isEqualTo(dtype);
            results[dtype.ordinal()] = s.x().toDoubleArray();
        }
        double[] x64 = results[DType.FLOAT64.ordinal()];
        Checks.assertCloseScaled("float32 final state against float64", results[DType.FLOAT32.ordinal()], x64,
                Checks.FLOAT32_TOL, Math.max(1, Checks.maxAbs(x64)));
    }

    /** An {@code x0} of rank 1 or 3 fails with {@link ShapeMismatchException} naming its shape, calling nothing. */
    @Test
    public void rejectsInitialStatesNotOfRankTwo() {
        int[] calls = {0};
        VelocityField counting = (t, x) -> {
            calls[0]++;
            return x.neg();
        };
        Tensor flat = backend().fromArray(new double[6], 6);
        Tensor cube = backend().fromArray(new double[6], 2, 3, 1);
        SolveOptions o = options(new double[] {0, 1}, 2);
        assertThatShapeRejected(() -> solver().solve(counting, flat, o), "[6]");
        assertThatShapeRejected(() -> solver().solve(counting, cube, o), "[2, 3, 1]");
        assertThat(calls[0]).as("field calls for a rejected x0").isZero();
    }

    /** {@code describe()} is one non-blank line and {@code order()} is at least 1. */
    @Test
    public void describesItselfOnOneLine() {
        assertThat(solver().describe()).isNotBlank().doesNotContain("\n");
        assertThat(solver().order()).as("order()").isGreaterThanOrEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private static void assertThatShapeRejected(Runnable solve, String shape) {
        Throwable thrown = catchThrowable(solve::run);
        assertThat(thrown).as("solving from an x0 of shape " + shape).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining(shape);
    }

    private static SolveOptions options(double[] interval, int steps) {
        return SolveOptions.steps(steps).between(interval[0], interval[1]);
    }

    /** Solves from {@code [B, D]} float64 states inside a scope of its own and returns the final state. */
    private double[] solveToHost(VelocityField field, double[] x0, SolveOptions options) {
        return solveToHost(field, x0, D, options);
    }

    private double[] solveToHost(VelocityField field, double[] x0, int dim, SolveOptions options) {
        try (TensorScope scope = backend().openScope()) {
            return solver().solve(field, tensor(DType.FLOAT64, x0, x0.length / dim, dim), options).x().toDoubleArray();
        }
    }

    /** A field that depends on {@code t} only: every row is {@code rate(t)}. */
    private static VelocityField timeOnly(DoubleFunction<double[]> rate) {
        return (t, x) -> {
            double[] row = rate.apply(t);
            int rows = x.dim(0);
            double[] all = new double[rows * row.length];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(row, 0, all, i * row.length, row.length);
            }
            return x.backend().fromArray(all, x.dtype(), rows, row.length);
        };
    }

    /** dx/dt = w (-y, x) on {@code [B, 2]} states. */
    private static VelocityField rotation() {
        return (t, x) -> x.slice(1, 1, 2).mul(-ROTATION_SPEED).concat(x.slice(1, 0, 1).mul(ROTATION_SPEED), 1);
    }

    private static double[] rotated(double[] xy, double angle) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = c * xy[i] - s * xy[i + 1];
            out[i + 1] = s * xy[i] + c * xy[i + 1];
        }
        return out;
    }

    private static double[] decayed(double[] x0, double elapsed) {
        double f = Math.exp(-elapsed);
        double[] out = new double[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x0[i] * f;
        }
        return out;
    }

    private Tensor tensor(DType dtype, double[] values, int... shape) {
        return backend().fromArray(values, dtype, shape);
    }

    private static double[] normals(long seed, int n) {
        Rng rng = Rng.seeded(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    private static double maxAbsDiff(double[] got, double[] want) {
        double m = 0;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs(got[i] - want[i]);
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }

    private static void check(List<String> wrong, String what, double[] got, double[] want, double tol) {
        double scale = Math.max(1, Checks.maxAbs(want));
        double err = maxAbsDiff(got, want);
        if (!(err <= tol * scale)) {
            wrong.add(what + ": error " + err + ", allowed " + tol * scale);
        }
    }

    private static double[] read(Tensor t, String what) {
        try {
            return t.toDoubleArray();
        } catch (RuntimeException e) {
            return fail(what + " can no longer be read: the solver must not close it (" + e + ")", e);
        }
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = thrown; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    private static double[] roundToFloat(double[] v) {
        return toDoubles(toFloats(v));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static void failIfAny(String what, List<String> wrong) {
        if (!wrong.isEmpty()) {
            fail(what + ":\n" + String.join("\n", wrong));
        }
    }
}
