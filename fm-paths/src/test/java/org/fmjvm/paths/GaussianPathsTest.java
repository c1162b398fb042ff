package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.BackendSuite;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;

/**
 * The two Gaussian paths row by row against their closed forms in float64, with the noise the
 * bridge draws reproduced from the same seed; their behaviour at {@code t = 0} and {@code t = 1};
 * and their checks.
 */
class GaussianPathsTest extends BackendSuite {

    private static final int B = 50;
    private static final int D = 2;

    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    @Test
    void gaussianOtIsTheLipmanPath() {
        double sigmaMin = 0.05;
        Rng rng = Rng.seeded(1);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        double[] t = times(rng);
        try (TensorScope scope = backend().openScope()) {
            PathSample s = new GaussianOtPath(sigmaMin).sample(backend().fromArray(x0, B, D),
                    backend().fromArray(x1, B, D), backend().fromArray(t, B, 1), Rng.seeded(0));
            double[] xt = s.xt().toDoubleArray();
            double[] dxt = s.dxt().toDoubleArray();
            for (int i = 0; i < B; i++) {
                double std = 1 - (1 - sigmaMin) * t[i];
                for (int j = 0; j < D; j++) {
                    int k = i * D + j;
                    assertThat(xt[k]).isCloseTo(t[i] * x1[k] + std * x0[k], within(1e-14));
                    assertThat(dxt[k]).isCloseTo(x1[k] - (1 - sigmaMin) * x0[k], within(1e-14));
                    if (std > 0.01) { // Lipman et al.'s form of the target, where it does not divide by ~0
                        assertThat(dxt[k]).isCloseTo((x1[k] - (1 - sigmaMin) * xt[k]) / std, within(1e-12));
                    }
                }
            }
        }
    }

    @Test
    void gaussianOtWithZeroWidthEndsExactlyOnTheDataWithAFiniteTarget() {
        try (TensorScope scope = backend().openScope()) {
            Rng rng = Rng.seeded(2);
            Tensor x0 = backend().randn(rng, B, D);
            Tensor x1 = backend().randn(rng, B, D);
            PathSample s = new GaussianOtPath(0).sample(x0, x1, backend().full(1, B, 1), rng);
            assertThat(s.xt().toFloatArray()).containsExactly(x1.toFloatArray());
            assertThat(s.dxt().toFloatArray()).containsExactly(x1.sub(x0).toFloatArray());
        }
    }

    @Test
    void gaussianOtNeedsTheStandardGaussianSourceAndTheBridgeDoesNot() {
        assertThat(new GaussianOtPath().requiresStandardGaussianSource()).isTrue();
        assertThat(new BrownianBridgePath().requiresStandardGaussianSource()).isFalse();
        assertThat(new GaussianOtPath().sigmaMin()).isEqualTo(0.1);
        assertThat(new BrownianBridgePath().sigma()).isEqualTo(0.5);
    }

    @Test
    void brownianBridgeIsMeanPlusWidthTimesTheDrawnNoise() {
        double sigma = 0.7;
        Rng rng = Rng.seeded(3);
        double[] x0 = normals(rng, B * D);
        double[] x1 = normals(rng, B * D);
        double[] t = times(rng);
        try (TensorScope scope = backend().openScope()) {
            PathSample s = new BrownianBridgePath(sigma).sample(backend().fromArray(x0, B, D),
                    backend().fromArray(x1, B, D), backend().fromArray(t, B, 1), Rng.seeded(99));
            double[] eps = backend().randn(Rng.seeded(99), B, D).toDoubleArray();
            double[] xt = s.xt().toDoubleArray();
            double[] dxt = s.dxt().toDoubleArray();
            for (int i = 0; i < B; i++) {
                double u = t[i];
                double c = Math.min(Math.max(u, 1e-5), 1 - 1e-5);
                for (int j = 0; j < D; j++) {
                    int k = i * D + j;
                    double mean = u * x1[k] + (1 - u) * x0[k];
                    assertThat(xt[k]).as("x_t row %d", i)
                            .isCloseTo(mean + sigma * Math.sqrt(u * (1 - u)) * eps[k], within(1e-14));
                    assertThat(dxt[k]).as("dx_t row %d", i).isCloseTo(
                            x1[k] - x0[k] + sigma * (1 - 2 * c) / (2 * Math.sqrt(c * (1 - c))) * eps[k], within(1e-12));
                    if (u > 1e-3 && u < 1 - 1e-3) { // Tong et al.'s form of the target
                        assertThat(dxt[k]).as("dx_t row %d, second form", i).isCloseTo(
                                (1 - 2 * u) / (2 * u * (1 - u)) * (xt[k] - mean) + x1[k] - x0[k], within(1e-9));
                    }
                }
            }
        }
    }

    @Test
    void brownianBridgeIsExactlyOnTheEndpointsAtTheEndsWithABoundedTarget() {
        double sigma = 0.5;
        try (TensorScope scope = backend().openScope()) {
            Rng rng = Rng.seeded(4);
            Tensor x0 = backend().randn(rng, B, D);
            Tensor x1 = backend().randn(rng, B, D);
            BrownianBridgePath path = new BrownianBridgePath(sigma);
            double cap = sigma / (2 * Math.sqrt(1e-5 * (1 - 1e-5))) * (1 - 2e-5);
            for (double end : new double[] {0, 1}) {
                PathSample s = path.sample(x0, x1, backend().full(end, B, 1), Rng.seeded(5));
                assertThat(s.xt().toFloatArray()).as("x_t at %s", end)
                        .containsExactly((end == 0 ? x0 : x1).toFloatArray());
                double[] eps = backend().randn(Rng.seeded(5), B, D).toDoubleArray();
                double[] line = x1.sub(x0).toDoubleArray();
                double[] dxt = s.dxt().toDoubleArray();
                for (int k = 0; k < dxt.length; k++) {
                    // the speed of the width, infinite at the ends, is taken 1e-5 inside: +cap at 0, -cap at 1
                    assertThat(dxt[k]).as("dx_t at %s", end)
                            .isCloseTo(line[k] + (end == 0 ? cap : -cap) * eps[k], within(1e-4 * (1 + Math.abs(dxt[k]))));
                }
            }
        }
    }

    @Test
    void timesOutsideTheUnitIntervalNameTheRow() {
        try (TensorScope scope = backend().openScope()) {
            Tensor x = backend().full(0, 3, D);
            Tensor t = backend().fromArray(new double[] {0.5, 1.25, 0}, 3, 1);
            assertThatThrownBy(() -> new BrownianBridgePath().sample(x, x, t, Rng.seeded(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("t must be in [0, 1], got 1.25 (row 1 of t)");
            assertThatThrownBy(() -> new GaussianOtPath().sample(x, x, t, Rng.seeded(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("t must be in [0, 1], got 1.25 (row 1 of t)");
        }
    }

    @Test
    void constructorsRejectBadParameters() {
        assertThatThrownBy(() -> new GaussianOtPath(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sigma-min must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new GaussianOtPath(-0.1)).hasMessage("sigma-min must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> new BrownianBridgePath(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sigma must be > 0, got 0.0");
        assertThatThrownBy(() -> new BrownianBridgePath(Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
    }

    @Test
    void describeGivesTheEquationAndTheParameter() {
        assertThat(new GaussianOtPath(0.01).describe()).startsWith("gaussian-ot: x_t = t x1 + (1 - (1 - sigma_min) t) x0")
                .endsWith("sigma_min = 0.01");
        assertThat(new BrownianBridgePath(2).describe())
                .isEqualTo("brownian-bridge: x_t = t x1 + (1 - t) x0 + sigma sqrt(t (1 - t)) eps, eps ~ N(0, I), sigma = 2");
    }

    /** Times uniform in [0, 1], with both ends and points just inside them among them. */
    private static double[] times(Rng rng) {
        double[] t = new double[B];
        double[] special = {0, 1, 1e-7, 1 - 1e-7, 1e-5, 0.5};
        for (int i = 0; i < B; i++) {
            t[i] = i < special.length ? special[i] : rng.nextDouble();
        }
        return t;
    }

    private static double[] normals(Rng rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }
}
