package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.SchedulerOutput;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.BackendSuite;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;

/** The conditional-OT path against its closed forms. */
class CondOtPathTest extends BackendSuite {

    private static final int B = 64;
    private static final int D = 3;
    private final AffinePath path = new AffinePath(new CondOtScheduler());

    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    @Test
    void schedulerIsTheStraightLine() {
        for (double t = 0; t <= 1.0; t += 0.125) {
            SchedulerOutput o = new CondOtScheduler().at(t);
            assertThat(o.alpha()).isEqualTo(t);
            assertThat(o.sigma()).isEqualTo(1 - t);
            assertThat(o.dAlpha()).isEqualTo(1);
            assertThat(o.dSigma()).isEqualTo(-1);
        }
    }

    @Test
    void xtAndDxtEqualTheirClosedForms() {
        Rng rng = Rng.seeded(1);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        double[] t = new double[B];
        for (int i = 0; i < B; i++) {
            t[i] = rng.nextDouble();
        }
        try (TensorScope scope = backend().openScope()) {
            PathSample s = path.sample(backend().fromArray(x0, B, D), backend().fromArray(x1, B, D),
                    backend().fromArray(t, B, 1), rng);
            double[] xt = s.xt().toDoubleArray();
            double[] dxt = s.dxt().toDoubleArray();
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < D; j++) {
                    int k = i * D + j;
                    assertThat(xt[k]).isCloseTo(t[i] * x1[k] + (1 - t[i]) * x0[k], within(1e-12));
                    assertThat(dxt[k]).isCloseTo(x1[k] - x0[k], within(1e-12));
                }
            }
            assertThat(s.xt().shape()).containsExactly(B, D);
        }
    }

    @Test
    void endpointsAreTheSourceAndTheData() {
        try (TensorScope scope = backend().openScope()) {
            Rng rng = Rng.seeded(2);
            Tensor x0 = backend().randn(rng, B, D);
            Tensor x1 = backend().randn(rng, B, D);
            assertThat(path.sample(x0, x1, backend().full(0, B, 1), rng).xt().toFloatArray())
                    .containsExactly(x0.toFloatArray());
            assertThat(path.sample(x0, x1, backend().full(1, B, 1), rng).xt().toFloatArray())
                    .containsExactly(x1.toFloatArray());
        }
    }

    @Test
    void dxtIsTheTimeDerivativeOfXt() {
        double eps = 1e-6;
        Rng rng = Rng.seeded(3);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        try (TensorScope scope = backend().openScope()) {
            Tensor a = backend().fromArray(x0, B, D);
            Tensor b = backend().fromArray(x1, B, D);
            for (double t : new double[] {0.1, 0.37, 0.5, 0.9}) {
                double[] plus = path.sample(a, b, backend().fromArray(fill(t + eps), B, 1), rng).xt().toDoubleArray();
                double[] minus = path.sample(a, b, backend().fromArray(fill(t - eps), B, 1), rng).xt().toDoubleArray();
                double[] dxt = path.sample(a, b, backend().fromArray(fill(t), B, 1), rng).dxt().toDoubleArray();
                for (int k = 0; k < dxt.length; k++) {
                    assertThat((plus[k] - minus[k]) / (2 * eps)).isCloseTo(dxt[k], within(1e-6));
                }
            }
        }
    }

    @Test
    void conversionsRoundTripInFloat64() {
        Rng rng = Rng.seeded(4);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        double[] t = new double[B];
        for (int i = 0; i < B; i++) {
            t[i] = 0.05 + 0.9 * rng.nextDouble();
        }
        try (TensorScope scope = backend().openScope()) {
            Tensor noise = backend().fromArray(x0, B, D);
            Tensor data = backend().fromArray(x1, B, D);
            Tensor tt = backend().fromArray(t, B, 1);
            PathSample s = path.sample(noise, data, tt, rng);
            Tensor v = s.dxt();
            assertClose(path.velocityFromX1(data, s.xt(), tt), v);
            assertClose(path.velocityFromNoise(noise, s.xt(), tt), v);
            assertClose(path.x1FromVelocity(v, s.xt(), tt), data);
            assertClose(path.noiseFromVelocity(v, s.xt(), tt), noise);
            assertClose(path.x1FromNoise(noise, s.xt(), tt), data);
            assertClose(path.noiseFromX1(data, s.xt(), tt), noise);
        }
    }

    @Test
    void rejectsMismatchedShapesWithBothShapes() {
        try (TensorScope scope = backend().openScope()) {
            Tensor x = backend().full(0, B, D);
            assertThatThrownBy(() -> path.sample(x, backend().full(0, B, D + 1), backend().full(0, B, 1), Rng.seeded(0)))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[64, 3]").hasMessageContaining("[64, 4]");
            assertThatThrownBy(() -> path.sample(x, x, backend().full(0, B), Rng.seeded(0)))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("t must have shape [64, 1], got [64]");
        }
    }

    @Test
    void uniformTimesAreInTheUnitIntervalWithMeanOneHalf() {
        try (TensorScope scope = backend().openScope()) {
            int n = 20_000;
            Tensor t = new UniformTimeSampler().sample(backend(), n, Rng.seeded(5));
            assertThat(t.shape()).containsExactly(n, 1);
            double[] v = t.toDoubleArray();
            double mean = 0;
            for (double x : v) {
                assertThat(x).isGreaterThanOrEqualTo(0).isLessThan(1);
                mean += x / n;
            }
            assertThat(mean).isCloseTo(0.5, within(4 * Math.sqrt(1.0 / 12 / n)));
        }
    }

    private static void assertClose(Tensor got, Tensor want) {
        double[] g = got.toDoubleArray();
        double[] w = want.toDoubleArray();
        assertThat(g).hasSameSizeAs(w);
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).isCloseTo(w[i], within(1e-9 * (1 + Math.abs(w[i]))));
        }
    }

    private static double[] fill(double t) {
        double[] a = new double[B];
        java.util.Arrays.fill(a, t);
        return a;
    }

    private static double[] normals(Rng rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }
}
