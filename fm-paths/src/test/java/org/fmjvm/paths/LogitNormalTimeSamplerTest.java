package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.BackendSuite;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;

/** Logit-normal times: in (0, 1), {@code logit(t)} with the configured mean and std, reproducible. */
class LogitNormalTimeSamplerTest extends BackendSuite {

    private static final int N = 100_000;

    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    @Test
    void logitOfTheTimesHasTheConfiguredMeanAndStd() {
        for (double[] ms : new double[][] {{0, 1}, {1.5, 0.5}, {-0.8, 2}}) {
            double mean = ms[0];
            double std = ms[1];
            try (TensorScope scope = backend().openScope()) {
                Tensor t = new LogitNormalTimeSampler(mean, std).sample(backend(), N, Rng.seeded(7));
                assertThat(t.shape()).containsExactly(N, 1);
                assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
                double[] v = t.toDoubleArray();
                double sum = 0;
                double sq = 0;
                for (double x : v) {
                    assertThat(x).isGreaterThan(0).isLessThan(1);
                    double logit = Math.log(x / (1 - x));
                    sum += logit;
                    sq += logit * logit;
                }
                double m = sum / N;
                double s = Math.sqrt((sq - N * m * m) / (N - 1));
                assertThat(Math.abs(m - mean)).as("mean of logit(t) %s vs %s", m, mean).isLessThan(5 * std / Math.sqrt(N));
                assertThat(Math.abs(s - std)).as("std of logit(t) %s vs %s", s, std)
                        .isLessThan(5 * std / Math.sqrt(2.0 * N) + 1e-4);
            }
        }
    }

    @Test
    void aFixedSeedReproducesTheTimes() {
        try (TensorScope scope = backend().openScope()) {
            LogitNormalTimeSampler s = new LogitNormalTimeSampler();
            float[] a = s.sample(backend(), 1000, Rng.seeded(1)).toFloatArray();
            assertThat(s.sample(backend(), 1000, Rng.seeded(1)).toFloatArray()).containsExactly(a);
            assertThat(s.sample(backend(), 1000, Rng.seeded(2)).toFloatArray()).isNotEqualTo(a);
        }
    }

    @Test
    void timesStayStrictlyInsideEvenWhenFloat32WouldRoundToAnEnd() {
        try (TensorScope scope = backend().openScope()) {
            for (float x : new LogitNormalTimeSampler(40, 1).sample(backend(), 100, Rng.seeded(3)).toFloatArray()) {
                assertThat(x).isEqualTo(Math.nextDown(1f));
            }
            for (float x : new LogitNormalTimeSampler(-200, 1).sample(backend(), 100, Rng.seeded(3)).toFloatArray()) {
                assertThat(x).isEqualTo(Float.MIN_VALUE);
            }
        }
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new LogitNormalTimeSampler(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("std must be > 0, got 0.0");
        assertThatThrownBy(() -> new LogitNormalTimeSampler(Double.NaN, 1)).hasMessage("mean must be a finite number, got NaN");
        assertThat(new LogitNormalTimeSampler(0.5, 2).describe())
                .isEqualTo("logit-normal: t = sigmoid(mean + std z), z ~ N(0, 1), mean = 0.5, std = 2");
    }
}
