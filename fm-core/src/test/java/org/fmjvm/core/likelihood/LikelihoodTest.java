package org.fmjvm.core.likelihood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.normalize.Normalizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The likelihood of a linear flow {@code v(t, x) = a * x} (elementwise), whose solution is known:
 * {@code x(1) = x(0) e^a}, so {@code log p1(x) = log N(x e^-a; 0, I) - sum a}. The MLP is made
 * exactly linear with ReLU units kept on by a large bias.
 */
class LikelihoodTest {

    private static final float[] RATES = {0.7f, -0.4f, 0.25f};
    private static final float ON = 50f;

    private static ModelSpec spec() {
        return new ModelSpec(RATES.length, List.of(RATES.length), Activation.RELU, new TimeEmbedding.Raw());
    }

    /** Layer 0: h = relu(x + 50) = x + 50; layer 1: v = a (h - 50) = a x. */
    private static ModelWeights linearField() {
        int d = RATES.length;
        ModelSpec spec = spec();
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec.parameterShapes()) {
            float[] v = new float[p.size()];
            if (p.name().equals(ModelSpec.weightName(0))) {
                for (int i = 0; i < d; i++) {
                    v[i * (d + 1) + i] = 1f;
                }
            } else if (p.name().equals(ModelSpec.biasName(0))) {
                java.util.Arrays.fill(v, ON);
            } else if (p.name().equals(ModelSpec.weightName(1))) {
                for (int i = 0; i < d; i++) {
                    v[i * d + i] = RATES[i];
                }
            } else {
                for (int i = 0; i < d; i++) {
                    v[i] = -ON * RATES[i];
                }
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        return new ModelWeights(params);
    }

    private static double exact(float[] x, int row) {
        int d = RATES.length;
        double sum = 0;
        double rates = 0;
        for (int i = 0; i < d; i++) {
            double z = x[row * d + i] * Math.exp(-RATES[i]);
            sum += z * z;
            rates += RATES[i];
        }
        return -0.5 * sum - 0.5 * d * Math.log(2 * Math.PI) - rates;
    }

    private static double maxError(String backend, String solver, int steps, float[] x, int rows) {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend))
                .withSolver(ComponentChoice.of(solver)));
                VelocityModel model = fm.loadModel(spec(), linearField())) {
            Likelihood lik = new Likelihood(model, fm.solver(), new GaussianSource(RATES.length));
            double[] got = lik.logDensity(x, rows, SolveOptions.steps(steps));
            double worst = 0;
            for (int r = 0; r < rows; r++) {
                worst = Math.max(worst, Math.abs(got[r] - exact(x, r)));
            }
            return worst;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void matchesTheClosedFormOfALinearFlow(String backend) {
        int rows = 300;
        float[] x = Rng.seeded(3).normals(rows * RATES.length);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 2f;
        }
        assertThat(maxError(backend, "rk4", 20, x, rows)).isLessThan(2e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void eulerErrorHalvesWhenTheStepsDouble(String backend) {
        int rows = 50;
        float[] x = Rng.seeded(4).normals(rows * RATES.length);
        double coarse = maxError(backend, "euler", 20, x, rows);
        double fine = maxError(backend, "euler", 40, x, rows);
        assertThat(coarse).isGreaterThan(1e-3);
        assertThat(coarse / fine).isCloseTo(2.0, within(0.25));
    }

    /** A coupled linear field: layer 1 weight A (not diagonal), bias -50 A 1, so v(t, x) = A x. */
    private static final double[][] COUPLED = {{0.3, 0.5, 0.0}, {-0.4, 0.1, 0.2}, {0.0, 0.6, -0.5}};

    private static ModelWeights coupledField() {
        int d = RATES.length;
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : linearField().parameters()) {
            float[] v = p.values().clone();
            if (p.name().equals(ModelSpec.weightName(1))) {
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        v[i * d + j] = (float) COUPLED[i][j];
                    }
                }
            } else if (p.name().equals(ModelSpec.biasName(1))) {
                for (int i = 0; i < d; i++) {
                    double row = 0;
                    for (int j = 0; j < d; j++) {
                        row += COUPLED[i][j];
                    }
                    v[i] = (float) (-ON * row);
                }
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        return new ModelWeights(params);
    }

    /** exp(-A) by its power series, in double. */
    private static double[][] expMinusA() {
        int d = COUPLED.length;
        double[][] sum = new double[d][d];
        double[][] term = new double[d][d];
        for (int i = 0; i < d; i++) {
            sum[i][i] = 1;
            term[i][i] = 1;
        }
        for (int k = 1; k < 40; k++) {
            double[][] next = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    for (int m = 0; m < d; m++) {
                        next[i][j] -= term[i][m] * COUPLED[m][j] / k;
                    }
                }
            }
            term = next;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    sum[i][j] += term[i][j];
                }
            }
        }
        return sum;
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void hutchinsonsEstimateIsUnbiasedAroundTheExactLikelihoodOfACoupledFlow(String backend) {
        int d = RATES.length;
        int rows = 4000;
        float[] x = Rng.seeded(8).normals(rows * d);
        double[][] back = expMinusA();
        double trace = COUPLED[0][0] + COUPLED[1][1] + COUPLED[2][2];
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend))
                .withSolver(ComponentChoice.of("rk4")));
                VelocityModel model = fm.loadModel(spec(), coupledField())) {
            Likelihood exact = new Likelihood(model, fm.solver(), new GaussianSource(d));
            double[] e = exact.logDensity(x, rows, SolveOptions.steps(20));
            double[] h = exact.hutchinson(1, Rng.seeded(2)).logDensity(x, rows, SolveOptions.steps(20));
            double[] h2 = exact.hutchinson(1, Rng.seeded(2)).logDensity(x, rows, SolveOptions.steps(20));
            assertThat(h2).containsExactly(h);
            double diffSum = 0;
            double diffSq = 0;
            for (int r = 0; r < rows; r++) {
                // closed form: x(0) = exp(-A) x(1), log p1(x) = log N(x(0)) - tr A
                double sq = 0;
                for (int i = 0; i < d; i++) {
                    double zi = 0;
                    for (int j = 0; j < d; j++) {
                        zi += back[i][j] * x[r * d + j];
                    }
                    sq += zi * zi;
                }
                double truth = -0.5 * sq - 0.5 * d * Math.log(2 * Math.PI) - trace;
                assertThat(e[r]).isCloseTo(truth, within(2e-4));
                diffSum += h[r] - e[r];
                diffSq += (h[r] - e[r]) * (h[r] - e[r]);
            }
            double mean = diffSum / rows;
            double sd = Math.sqrt(diffSq / rows - mean * mean);
            // one probe: each row's estimate is off (e^T A e has the off-diagonal terms), but not on average
            assertThat(sd).isGreaterThan(0.1);
            assertThat(Math.abs(mean)).isLessThan(4 * sd / Math.sqrt(rows));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void throughAScalerTheLikelihoodIsThatOfTheScaledPointsPlusTheKnownLogDeterminant(String backend) {
        // four columns, the third constant: standard scaling keeps three, the model's dimension
        int rows = 200;
        float[] u = Rng.seeded(6).normals(rows * 3);
        float[] table = new float[rows * 4];
        double[] scale = {0.01, 1, 0, 500};
        double[] shift = {3, -1, 7, 1e4};
        for (int r = 0; r < rows; r++) {
            for (int c = 0, k = 0; c < 4; c++) {
                table[r * 4 + c] = (float) (shift[c] + (c == 2 ? 0 : scale[c] * u[r * 3 + k++]));
            }
        }
        Normalizer n = Normalizer.fit(Normalizer.Kind.STANDARD, table, rows, 4, java.util.Set.of());
        // log|det dz/dx| = -sum over kept columns of log(population std), computed here from the rows
        double logDet = 0;
        for (int c : new int[] {0, 1, 3}) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += table[r * 4 + c];
            }
            mean /= rows;
            double ss = 0;
            for (int r = 0; r < rows; r++) {
                ss += (table[r * 4 + c] - mean) * (table[r * 4 + c] - mean);
            }
            logDet -= 0.5 * Math.log(ss / rows);
        }
        float[] offSupport = table.clone();
        offSupport[4 * 5 + 2] = 7.5f;
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend))
                .withSolver(ComponentChoice.of("rk4")));
                VelocityModel model = fm.loadModel(spec(), linearField())) {
            Likelihood lik = new Likelihood(model, fm.solver(), new GaussianSource(3));
            double[] data = lik.logDensity(table, rows, n, SolveOptions.steps(20));
            float[] z = n.transform(table, rows);
            double[] scaled = lik.logDensity(z, rows, SolveOptions.steps(20));
            for (int r = 0; r < rows; r++) {
                assertThat(data[r]).isCloseTo(scaled[r] + logDet, within(1e-9 * Math.abs(logDet) + 1e-12));
                assertThat(scaled[r]).isCloseTo(exact(z, r), within(2e-4));
            }
            double[] off = lik.logDensity(offSupport, rows, n, SolveOptions.steps(20));
            assertThat(off[5]).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(off[4]).isEqualTo(data[4]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl"})
    void refusesASourceWithoutDensityAndNonFinitePoints(String backend) {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend)));
                VelocityModel model = fm.loadModel(spec(), linearField())) {
            assertThatThrownBy(() -> new Likelihood(model, fm.solver(), Datasets.byName("moons")))
                    .isInstanceOf(ConfigurationException.class);
            Likelihood lik = new Likelihood(model, fm.solver(), new GaussianSource(RATES.length));
            assertThatThrownBy(() -> lik.logDensity(new float[] {0, Float.NaN, 0}, 1, SolveOptions.steps(2)))
                    .isInstanceOf(DataException.class).hasMessageContaining("point 1, coordinate 2 is NaN");
            assertThatThrownBy(() -> lik.logDensity(new float[4], 1, SolveOptions.steps(2)))
                    .isInstanceOf(DataException.class).hasMessageContaining("got 4");
        }
    }
}
