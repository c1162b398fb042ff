package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.fmjvm.testkit.Checks.assertClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ProbabilityPath} must do, run against one path. A plugin author subclasses it
 * once per path (and per configuration worth testing), implements {@link #path()}, and says what
 * else the path promises; the backend is the preferred one on the test class path unless
 * {@link #createBackend()} is overridden:
 *
 * <ul>
 *   <li><b>Every path</b>: {@code x_t} and {@code dx_t} are {@code [B, D]} in the dtype of the inputs
 *       (float32 and float64), the inputs come back unchanged in the {@link PathSample}; a fixed seed
 *       gives identical results, and another seed different ones exactly when {@link #usesRng()};
 *       mismatched shapes fail with {@link ShapeMismatchException} naming the shapes; nothing is NaN
 *       or infinite at or next to {@code t = 0} and {@code t = 1}; {@code describe()} is one line;
 *       the tensor-scope rules on {@link ProbabilityPath} hold (the inputs come back as the same,
 *       untouched objects and everything the call made belongs to the caller's current scope).
 *   <li><b>Affine paths</b> ({@link #path()} is an {@link AffinePath}): the schedule keeps the
 *       boundary values {@link #boundaries()} lists; {@code alpha'} and {@code sigma'} match central
 *       finite differences of {@code alpha} and {@code sigma} at {@link #derivativeTimes()}; the
 *       coefficients are finite on all of [0, 1]; {@code sample()} equals
 *       {@code alpha x1 + sigma x0} and {@code alpha' x1 + sigma' x0}; the six parameterisation
 *       conversions of {@link AffinePath} round-trip in float64.
 *   <li><b>Gaussian paths</b> ({@link #gaussian()} gives the formulas): over
 *       {@link #momentRows()} draws in float64 at each of {@link #momentTimes()}, the empirical mean
 *       and standard deviation of {@code x_t} match the formulas within 5 standard errors; the
 *       target averages to the time derivative of the mean (a central finite difference of the mean
 *       formula); and the target's regression slope on {@code x_t} equals
 *       {@code d/dt log std} (the rate at which a Gaussian path's conditional velocity widens it).
 * </ul>
 *
 * Every check compares against a value computed independently of the path, so a wrong formula
 * fails it. Checks that do not apply to the path (the affine ones for a Gaussian path and the other
 * way round) are skipped through a JUnit assumption. Each test runs in its own scope and the
 * random inputs are seeded, so the suite gives the same verdict on every run.
 *
 * <pre>{@code
 * class MyPathContractTest extends PathContract {
 *     protected ProbabilityPath path() { return new AffinePath(new MyScheduler()); }
 * }
 * }</pre>
 */
public abstract class PathContract extends ScopedBackendSuite {

    private static final int B = 64;
    private static final int D = 3;
    private static final double Z = 5;

    /** What an affine schedule promises at an end of [0, 1]. */
    public enum Boundary {
        /** {@code alpha_0 = 0} and {@code sigma_0 = 1}: the path starts at the source point. */
        SOURCE_AT_ZERO,
        /** {@code alpha_1 = 1} and {@code sigma_1 = 0}: the path ends at the data point. */
        DATA_AT_ONE
    }

    /** Where a Gaussian path's randomness comes from. */
    public enum Noise {
        /**
         * The source points are the noise ({@code x0 ~ N(0, I)}, as in Lipman et al.'s path): the
         * path is conditioned on {@code x1} alone and ignores the generator.
         */
        SOURCE,
        /**
         * Fresh noise from the generator: the path is conditioned on the pair {@code (x0, x1)}, as
         * in a Brownian bridge.
         */
        GENERATOR
    }

    /**
     * A coordinate of the mean of a Gaussian path.
     */
    @FunctionalInterface
    public interface Mean {
        /**
         * @param x0 the coordinate of the source point (0 when the source is the noise, {@link Noise#SOURCE})
         * @param x1 the coordinate of the data point
         * @param t the time
         * @return that coordinate of {@code mu_t}
         */
        double at(double x0, double x1, double t);
    }

    /**
     * The formulas of a Gaussian conditional path: {@code x_t ~ N(mu_t, s_t^2 I)} given the
     * condition ({@code x1}, or {@code (x0, x1)}), coordinate by coordinate.
     *
     * @param noise where the randomness comes from
     * @param mean {@code mu_t}, coordinate-wise
     * @param std {@code s_t}, the same for every coordinate
     */
    public record GaussianMoments(Noise noise, Mean mean, DoubleUnaryOperator std) {
        /** Rejects nulls. */
        public GaussianMoments {
            Objects.requireNonNull(noise, "noise");
            Objects.requireNonNull(mean, "mean");
            Objects.requireNonNull(std, "std");
        }
    }

    /** @return the path under test; may be called more than once and must return equal paths */
    protected abstract ProbabilityPath path();

    /** @return the preferred backend on the test class path ({@link BackendsOnClassPath#openPreferred()}) */
    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    /**
     * @return for an affine path, the boundary values its schedule promises (checked exactly, to
     *     1e-12); both by default. Ignored for other paths.
     */
    protected Set<Boundary> boundaries() {
        return EnumSet.allOf(Boundary.class);
    }

    /** @return the formulas of a Gaussian path, to check its statistics; empty (no such checks) by default */
    protected Optional<GaussianMoments> gaussian() {
        return Optional.empty();
    }

    /**
     * @return whether the path draws from the generator, so another seed gives another sample; by
     *     default true exactly for a {@link Noise#GENERATOR} Gaussian path
     */
    protected boolean usesRng() {
        return gaussian().map(g -> g.noise() == Noise.GENERATOR).orElse(false);
    }

    /** @return the interior times where an affine schedule's derivatives are checked; 0.01 to 0.99 by default */
    protected double[] derivativeTimes() {
        double[] ts = new double[99];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = (i + 1) / 100.0;
        }
        return ts;
    }

    /** @return the times where a Gaussian path's statistics are checked; {@code std} must be > 0 there */
    protected double[] momentTimes() {
        return new double[] {0.1, 0.5, 0.9};
    }

    /** @return how many draws the statistics of a Gaussian path use, each time */
    protected int momentRows() {
        return 200_000;
    }

    // ---------------------------------------------------------------- every path

    /** {@code x_t, dx_t} are {@code [B, D]} in the inputs' dtype, finite, and the inputs come back unchanged. */
    @Test
    public void shapesAndDtypeFollowTheInputs() {
        for (DType dtype : DType.values()) {
            Rng rng = Rng.seeded(1);
            double[] x0 = normals(rng, B * D);
            double[] x1 = normals(rng, B * D);
            double[] t = times(rng, B, 0, 1);
            Tensor a = tensor(dtype, x0, B, D);
            Tensor b = tensor(dtype, x1, B, D);
            Tensor tt = tensor(dtype, t, B, 1);
            PathSample s = path().sample(a, b, tt, Rng.seeded(2));
            for (Tensor out : List.of(s.xt(), s.dxt())) {
                assertThat(out.shape()).as("%s output shape", dtype).containsExactly(B, D);
                assertThat(out.dtype()).as("output dtype for %s inputs", dtype).isEqualTo(dtype);
                assertFinite(dtype + " output", out.toDoubleArray());
            }
            assertThat(s.x0().toDoubleArray()).as("x0 in the sample").containsExactly(a.toDoubleArray());
            assertThat(s.x1().toDoubleArray()).as("x1 in the sample").containsExactly(b.toDoubleArray());
            assertThat(s.t().shape()).as("t in the sample").containsExactly(B, 1);
            assertThat(s.t().toDoubleArray()).as("t in the sample").containsExactly(tt.toDoubleArray());
        }
    }

    /**
     * The same seed gives identical samples; another seed gives a different sample if and only if
     * the path uses the generator ({@link #usesRng()}).
     */
    @Test
    public void aFixedSeedReproducesTheSample() {
        for (DType dtype : DType.values()) {
            Rng rng = Rng.seeded(3);
            Tensor x0 = tensor(dtype, normals(rng, B * D), B, D);
            Tensor x1 = tensor(dtype, normals(rng, B * D), B, D);
            Tensor t = tensor(dtype, times(rng, B, 0, 1), B, 1);
            PathSample first = path().sample(x0, x1, t, Rng.seeded(11));
            PathSample again = path().sample(x0, x1, t, Rng.seeded(11));
            PathSample other = path().sample(x0, x1, t, Rng.seeded(12));
            assertThat(again.xt().toDoubleArray()).as("%s x_t, same seed", dtype)
                    .containsExactly(first.xt().toDoubleArray());
            assertThat(again.dxt().toDoubleArray()).as("%s dx_t, same seed", dtype)
                    .containsExactly(first.dxt().toDoubleArray());
            boolean differs = !Arrays.equals(first.xt().toDoubleArray(), other.xt().toDoubleArray());
            assertThat(differs).as("%s: another seed gives another x_t (usesRng() is %s)", dtype, usesRng())
                    .isEqualTo(usesRng());
        }
    }

    /**
     * The scope rules of {@link ProbabilityPath}: inputs made in an outer scope come back in the
     * sample as the same objects, still open with their values; {@code x_t} and {@code dx_t} are
     * new tensors; everything the call left alive belongs to the caller's current scope, so
     * closing it restores {@link org.fmjvm.api.Backend#liveTensors()}.
     */
    @Test
    public void leavesItsInputsAloneAndItsResultsInTheCallersScope() {
        Rng rng = Rng.seeded(9);
        Tensor x0 = tensor(DType.FLOAT64, normals(rng, B * D), B, D);
        Tensor x1 = tensor(DType.FLOAT64, normals(rng, B * D), B, D);
        Tensor t = tensor(DType.FLOAT64, times(rng, B, 0, 1), B, 1);
        List<double[]> before = List.of(x0.toDoubleArray(), x1.toDoubleArray(), t.toDoubleArray());
        long live = backend().liveTensors();
        try (TensorScope caller = backend().openScope()) {
            PathSample s = path().sample(x0, x1, t, Rng.seeded(10));
            assertThat(s.x0()).as("x0 in the sample is the caller's x0").isSameAs(x0);
            assertThat(s.x1()).as("x1 in the sample is the caller's x1").isSameAs(x1);
            assertThat(s.t()).as("t in the sample is the caller's t").isSameAs(t);
            assertThat(List.of(s.xt(), s.dxt())).as("x_t and dx_t are new tensors").doesNotContain(x0, x1, t);
            assertThat((long) caller.size()).as("tensors of the caller's scope: all the call left alive")
                    .isEqualTo(backend().liveTensors() - live);
        }
        assertThat(backend().liveTensors()).as("live tensors once the caller's scope closed").isEqualTo(live);
        List<Tensor> inputs = List.of(x0, x1, t);
        for (int i = 0; i < inputs.size(); i++) {
            double[] now;
            try {
                now = inputs.get(i).toDoubleArray();
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " (x0, x1, t) was closed by the path", e);
            }
            assertThat(now).as("input %d (x0, x1, t) after the call", i).containsExactly(before.get(i));
        }
    }

    /** Mismatched shapes fail with {@link ShapeMismatchException} naming the shapes. */
    @Test
    public void rejectsMismatchedShapes() {
        Tensor x = backend().full(0.5, 5, 3);
        Tensor wide = backend().full(0.5, 5, 4);
        Tensor t = backend().full(0.5, 5, 1);
        Rng rng = Rng.seeded(0);
        assertThatThrownBy(() -> path().sample(x, wide, t, rng)).as("x1 wider than x0")
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[5, 3]").hasMessageContaining("[5, 4]");
        assertThatThrownBy(() -> path().sample(backend().full(0.5, 15), backend().full(0.5, 15), t, rng))
                .as("x0 and x1 of rank 1").isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[15]");
        assertThatThrownBy(() -> path().sample(x, x, backend().full(0.5, 5), rng)).as("t of shape [B]")
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[5]");
        assertThatThrownBy(() -> path().sample(x, x, backend().full(0.5, 6, 1), rng)).as("t with B + 1 rows")
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[6, 1]");
    }

    /**
     * At {@code t = 0} and {@code t = 1}, and one float32 step inside each, {@code x_t} and
     * {@code dx_t} are finite in float32 and float64 (infinite derivatives at the ends must be
     * handled).
     */
    @Test
    public void finiteAtAndNextToTheEnds() {
        double[] ends = {0, 0x1.0p-24, 1e-12, 1 - 0x1.0p-24, 1 - 1e-12, 1};
        double[] t = new double[B];
        for (int i = 0; i < B; i++) {
            t[i] = ends[i % ends.length];
        }
        for (DType dtype : DType.values()) {
            Rng rng = Rng.seeded(4);
            PathSample s = path().sample(tensor(dtype, normals(rng, B * D), B, D),
                    tensor(dtype, normals(rng, B * D), B, D), tensor(dtype, t, B, 1), rng);
            assertFinite(dtype + " x_t at the ends", s.xt().toDoubleArray());
            assertFinite(dtype + " dx_t at the ends", s.dxt().toDoubleArray());
        }
    }

    /** {@code describe()} is one non-blank line. */
    @Test
    public void describesItselfOnOneLine() {
        assertThat(path().describe()).isNotBlank().doesNotContain("\n");
    }

    // ---------------------------------------------------------------- affine paths

    /** The schedule's boundary values that {@link #boundaries()} promises, and {@code x_t} there. */
    @Test
    public void scheduleKeepsItsPromisesAtTheEnds() {
        Scheduler s = scheduler();
        assumeThat(boundaries()).as("boundary values promised").isNotEmpty();
        Rng rng = Rng.seeded(5);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        if (boundaries().contains(Boundary.SOURCE_AT_ZERO)) {
            SchedulerOutput o = s.at(0);
            assertThat(o.alpha()).as("alpha at t = 0").isCloseTo(0, within(1e-12));
            assertThat(o.sigma()).as("sigma at t = 0").isCloseTo(1, within(1e-12));
            assertClose("x_t at t = 0 is x0", sampleAt(0, x0, x1).xt().toDoubleArray(), x0, 1e-12);
        }
        if (boundaries().contains(Boundary.DATA_AT_ONE)) {
            SchedulerOutput o = s.at(1);
            assertThat(o.alpha()).as("alpha at t = 1").isCloseTo(1, within(1e-12));
            assertThat(o.sigma()).as("sigma at t = 1").isCloseTo(0, within(1e-12));
            assertClose("x_t at t = 1 is x1", sampleAt(1, x0, x1).xt().toDoubleArray(), x1, 1e-12);
        }
    }

    /**
     * {@code alpha'} and {@code sigma'} equal central differences {@code (f(t + h) - f(t - h)) / 2h}
     * of {@code alpha} and {@code sigma} at every one of {@link #derivativeTimes()}, to 1e-6 relative.
     */
    @Test
    public void derivativesMatchFiniteDifferences() {
        Scheduler s = scheduler();
        List<String> wrong = new ArrayList<>();
        for (double t : derivativeTimes()) {
            double h = Math.min(1e-6, Math.min(t, 1 - t) / 2);
            SchedulerOutput o = s.at(t);
            SchedulerOutput plus = s.at(t + h);
            SchedulerOutput minus = s.at(t - h);
            double da = (plus.alpha() - minus.alpha()) / (2 * h);
            double ds = (plus.sigma() - minus.sigma()) / (2 * h);
            if (!(Math.abs(da - o.dAlpha()) <= 1e-6 * Math.max(1, Math.abs(da)))) {
                wrong.add("t = " + t + ": alpha' = " + o.dAlpha() + ", finite difference " + da);
            }
            if (!(Math.abs(ds - o.dSigma()) <= 1e-6 * Math.max(1, Math.abs(ds)))) {
                wrong.add("t = " + t + ": sigma' = " + o.dSigma() + ", finite difference " + ds);
            }
            if (o.t() != t) {
                wrong.add("t = " + t + ": the output says t = " + o.t());
            }
        }
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " derivative(s) disagree with finite differences:\n" + String.join("\n", wrong));
        }
    }

    /** {@code alpha, sigma, alpha', sigma'} are finite at every time in [0, 1], the ends included. */
    @Test
    public void coefficientsAreFiniteOnTheClosedInterval() {
        Scheduler s = scheduler();
        double[] ts = {0, Double.MIN_VALUE, 1e-300, 1e-12, 0x1.0p-24, 1e-5, 0.5, 1 - 1e-5, 1 - 0x1.0p-24,
            1 - 1e-12, Math.nextDown(1.0), 1};
        for (double t : ts) {
            SchedulerOutput o = s.at(t);
            assertFinite("schedule at t = " + t, new double[] {o.alpha(), o.sigma(), o.dAlpha(), o.dSigma()});
        }
    }

    /**
     * {@code sample()} gives {@code x_t = alpha x1 + sigma x0} and {@code dx_t = alpha' x1 + sigma' x0}
     * with the schedule's values at each row's {@code t} (the ends included): to 1e-12 in float64
     * and 1e-5 relative in float32.
     */
    @Test
    public void sampleIsTheAffineCombination() {
        Scheduler s = scheduler();
        Rng rng = Rng.seeded(6);
        // float32-representable inputs, so both dtypes see exactly the same values
        double[] x0 = roundToFloat(normals(rng, B * D));
        double[] x1 = roundToFloat(normals(rng, B * D));
        double[] t = roundToFloat(times(rng, B, 0, 1));
        double[] xt = new double[B * D];
        double[] dxt = new double[B * D];
        for (int i = 0; i < B; i++) {
            SchedulerOutput o = s.at(t[i]);
            for (int j = 0; j < D; j++) {
                int k = i * D + j;
                xt[k] = o.alpha() * x1[k] + o.sigma() * x0[k];
                dxt[k] = o.dAlpha() * x1[k] + o.dSigma() * x0[k];
            }
        }
        PathSample s64 = path().sample(tensor(DType.FLOAT64, x0, B, D), tensor(DType.FLOAT64, x1, B, D),
                tensor(DType.FLOAT64, t, B, 1), rng);
        assertClose("float64 x_t", s64.xt().toDoubleArray(), xt, 1e-12);
        assertClose("float64 dx_t", s64.dxt().toDoubleArray(), dxt, 1e-12);
        PathSample s32 = path().sample(tensor(DType.FLOAT32, x0, B, D), tensor(DType.FLOAT32, x1, B, D),
                tensor(DType.FLOAT32, t, B, 1), rng);
        double xScale = Checks.maxAbs(xt);
        double dScale = Checks.maxAbs(dxt);
        Checks.assertCloseScaled("float32 x_t", s32.xt().toDoubleArray(), xt, 1e-5, Math.max(1, xScale));
        Checks.assertCloseScaled("float32 dx_t", s32.dxt().toDoubleArray(), dxt, 1e-5, Math.max(1, dScale));
    }

    /**
     * The six conversions of {@link AffinePath} between velocity, data and noise predictions
     * reproduce the sample's own {@code dx_t}, {@code x1} and {@code x0} in float64 (to 1e-9
     * relative), at times in [0.05, 0.95] where none of them divides by zero.
     */
    @Test
    public void conversionsRoundTripInFloat64() {
        AffinePath path = affine();
        Rng rng = Rng.seeded(7);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        Tensor noise = tensor(DType.FLOAT64, x0, B, D);
        Tensor data = tensor(DType.FLOAT64, x1, B, D);
        Tensor t = tensor(DType.FLOAT64, times(rng, B, 0.05, 0.95), B, 1);
        PathSample s = path.sample(noise, data, t, rng);
        double[] v = s.dxt().toDoubleArray();
        Tensor xt = s.xt();
        assertClose("velocityFromX1", path.velocityFromX1(data, xt, t).toDoubleArray(), v, 1e-9);
        assertClose("velocityFromNoise", path.velocityFromNoise(noise, xt, t).toDoubleArray(), v, 1e-9);
        assertClose("x1FromVelocity", path.x1FromVelocity(s.dxt(), xt, t).toDoubleArray(), x1, 1e-9);
        assertClose("noiseFromVelocity", path.noiseFromVelocity(s.dxt(), xt, t).toDoubleArray(), x0, 1e-9);
        assertClose("x1FromNoise", path.x1FromNoise(noise, xt, t).toDoubleArray(), x1, 1e-9);
        assertClose("noiseFromX1", path.noiseFromX1(data, xt, t).toDoubleArray(), x0, 1e-9);
    }

    // ---------------------------------------------------------------- Gaussian paths

    /**
     * Over {@link #momentRows()} draws at a fixed condition and time, the mean and standard
     * deviation of each coordinate of {@code x_t} match {@code mu_t} and {@code s_t} within 5
     * standard errors ({@code s / sqrt(N)} and {@code s / sqrt(2N)}).
     */
    @Test
    public void marginalMeanAndStdMatchTheFormulas() {
        GaussianMoments g = gaussianOrSkip();
        List<String> wrong = new ArrayList<>();
        for (double t : momentTimes()) {
            Draws d = draw(g, t);
            double s = g.std().applyAsDouble(t);
            for (int j = 0; j < d.dim; j++) {
                double[] x = d.column(d.xt, j);
                double mean = Checks.mean(x);
                double std = Math.sqrt(Checks.variance(x, mean));
                double want = g.mean().at(d.x0(j), d.x1(j), t);
                double n = x.length;
                if (!(Math.abs(mean - want) <= Z * s / Math.sqrt(n) + 1e-9 * (1 + Math.abs(want)))) {
                    wrong.add("t = " + t + ", coordinate " + j + ": mean of x_t " + mean + ", formula " + want
                            + " (standard error " + s / Math.sqrt(n) + ")");
                }
                if (!(Math.abs(std - s) <= Z * s / Math.sqrt(2 * n) + 1e-9)) {
                    wrong.add("t = " + t + ", coordinate " + j + ": std of x_t " + std + ", formula " + s
                            + " (standard error " + s / Math.sqrt(2 * n) + ")");
                }
            }
        }
        failIfAny("the statistics of x_t disagree with the formulas", wrong);
    }

    /**
     * The target's average over the draws equals the velocity of the mean,
     * {@code (mu_{t + h} - mu_{t - h}) / 2h}, within 5 standard errors: its conditional expectation
     * given the condition and {@code t} is {@code d mu_t / dt}.
     */
    @Test
    public void targetAveragesToTheVelocityOfTheMean() {
        GaussianMoments g = gaussianOrSkip();
        List<String> wrong = new ArrayList<>();
        double h = 1e-5;
        for (double t : momentTimes()) {
            Draws d = draw(g, t);
            for (int j = 0; j < d.dim; j++) {
                double[] v = d.column(d.dxt, j);
                double mean = Checks.mean(v);
                double se = Math.sqrt(Checks.variance(v, mean) / v.length);
                double want = (g.mean().at(d.x0(j), d.x1(j), t + h) - g.mean().at(d.x0(j), d.x1(j), t - h)) / (2 * h);
                if (!(Math.abs(mean - want) <= Z * se + 1e-6 * (1 + Math.abs(want)))) {
                    wrong.add("t = " + t + ", coordinate " + j + ": mean of dx_t " + mean
                            + ", velocity of the mean " + want + " (standard error " + se + ")");
                }
            }
        }
        failIfAny("the target does not average to the velocity of the mean", wrong);
    }

    /**
     * The least-squares slope of the target on {@code x_t} (per coordinate) equals
     * {@code d log s_t / dt}, a central difference of the std formula, within 5 standard errors: the
     * conditional velocity of a Gaussian path is {@code mu'_t + (s'_t / s_t)(x - mu_t)}, which widens
     * the path at the rate its std grows.
     */
    @Test
    public void targetWidensThePathAtTheRateOfItsStd() {
        GaussianMoments g = gaussianOrSkip();
        List<String> wrong = new ArrayList<>();
        double h = 1e-5;
        for (double t : momentTimes()) {
            Draws d = draw(g, t);
            double want = (Math.log(g.std().applyAsDouble(t + h)) - Math.log(g.std().applyAsDouble(t - h))) / (2 * h);
            for (int j = 0; j < d.dim; j++) {
                double[] x = d.column(d.xt, j);
                double[] v = d.column(d.dxt, j);
                double mx = Checks.mean(x);
                double mv = Checks.mean(v);
                double sxx = 0;
                double sxv = 0;
                for (int i = 0; i < x.length; i++) {
                    sxx += (x[i] - mx) * (x[i] - mx);
                    sxv += (x[i] - mx) * (v[i] - mv);
                }
                double slope = sxv / sxx;
                double rss = 0;
                for (int i = 0; i < x.length; i++) {
                    double r = v[i] - mv - slope * (x[i] - mx);
                    rss += r * r;
                }
                double se = Math.sqrt(rss / (x.length - 2) / sxx);
                if (!(Math.abs(slope - want) <= Z * se + 1e-6 * (1 + Math.abs(want)))) {
                    wrong.add("t = " + t + ", coordinate " + j + ": slope of dx_t on x_t " + slope
                            + ", d log std / dt " + want + " (standard error " + se + ")");
                }
            }
        }
        failIfAny("the target does not widen the path as its std says", wrong);
    }

    // ---------------------------------------------------------------- helpers

    /** One batch of draws at a fixed condition: {@code momentRows()} rows of dimension 2, float64. */
    private final class Draws {
        final int dim = 2;
        final double[] x0c = {-0.4, 0.9};
        final double[] x1c = {1.5, -0.7};
        final boolean sourceIsNoise;
        final int n;
        final double[] xt;
        final double[] dxt;

        Draws(GaussianMoments g, double t) {
            n = momentRows();
            sourceIsNoise = g.noise() == Noise.SOURCE;
            Rng rng = Rng.seeded(Double.doubleToLongBits(t));
            double[] x0 = new double[n * dim];
            double[] x1 = new double[n * dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    x0[i * dim + j] = sourceIsNoise ? rng.nextGaussian() : x0c[j];
                    x1[i * dim + j] = x1c[j];
                }
            }
            double[] ts = new double[n];
            Arrays.fill(ts, t);
            PathSample s = path().sample(tensor(DType.FLOAT64, x0, n, dim), tensor(DType.FLOAT64, x1, n, dim),
                    tensor(DType.FLOAT64, ts, n, 1), rng.split("path"));
            xt = s.xt().toDoubleArray();
            dxt = s.dxt().toDoubleArray();
            s.xt().close();
            s.dxt().close();
        }

        double x0(int j) {
            return sourceIsNoise ? 0 : x0c[j];
        }

        double x1(int j) {
            return x1c[j];
        }

        double[] column(double[] rows, int j) {
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = rows[i * dim + j];
            }
            return c;
        }
    }

    private Draws draw(GaussianMoments g, double t) {
        return new Draws(g, t);
    }

    private GaussianMoments gaussianOrSkip() {
        Optional<GaussianMoments> g = gaussian();
        assumeThat(g).as("gaussian() formulas").isPresent();
        return g.orElseThrow();
    }

    private AffinePath affine() {
        ProbabilityPath p = path();
        assumeThat(p).as("an affine path").isInstanceOf(AffinePath.class);
        return (AffinePath) p;
    }

    private Scheduler scheduler() {
        return affine().scheduler();
    }

    private PathSample sampleAt(double t, double[] x0, double[] x1) {
        double[] ts = new double[B];
        Arrays.fill(ts, t);
        return path().sample(tensor(DType.FLOAT64, x0, B, D), tensor(DType.FLOAT64, x1, B, D),
                tensor(DType.FLOAT64, ts, B, 1), Rng.seeded(8));
    }

    private Tensor tensor(DType dtype, double[] values, int... shape) {
        if (dtype == DType.FLOAT64) {
            return backend().fromArray(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return backend().fromArray(f, shape);
    }

    private static double[] roundToFloat(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static double[] normals(Rng rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    /** {@code n} times uniform in [low, high], the first equal to {@code low} and the second to {@code high}. */
    private static double[] times(Rng rng, int n, double low, double high) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i == 0 ? low : i == 1 ? high : low + (high - low) * rng.nextDouble();
        }
        return t;
    }

    private static void assertFinite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                fail(what + ": element " + i + " is " + values[i]);
            }
        }
    }

    private static void failIfAny(String what, List<String> wrong) {
        if (!wrong.isEmpty()) {
            fail(what + ":\n" + String.join("\n", wrong));
        }
    }
}
