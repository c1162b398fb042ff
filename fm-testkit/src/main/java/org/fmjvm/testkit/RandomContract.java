package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Random tensors: {@link Backend#randn} and {@link Backend#rand} draw from the caller's {@link Rng},
 * so equal seeds give identical arrays (on every backend: the values equal the generator's own
 * {@link Rng#normals} and {@link Rng#uniforms}), and the moments are plausible: each sample mean
 * lies within 4 standard errors of the true mean, and so does each sample variance.
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}.
 */
public abstract class RandomContract extends BackendSuite {
    private static final int N = 20_000;

    /** randn with equal seeds gives identical arrays, equal to the generator's normals. */
    @Test
    public void randnIsReproducible() {
        try (TensorScope scope = backend().openScope()) {
            Tensor a = backend().randn(Rng.seeded(42), 100, 3);
            Tensor b = backend().randn(Rng.seeded(42), 100, 3);
            Tensor c = backend().randn(Rng.seeded(43), 100, 3);
            assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(a.shape()).containsExactly(100, 3);
            assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
            assertThat(a.toFloatArray()).containsExactly(Rng.seeded(42).normals(300));
            assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
        }
    }

    /** rand with equal seeds gives identical arrays, equal to the generator's uniforms. */
    @Test
    public void randIsReproducible() {
        try (TensorScope scope = backend().openScope()) {
            Tensor a = backend().rand(Rng.seeded(7), 50, 1);
            Tensor b = backend().rand(Rng.seeded(7), 50, 1);
            assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(a.shape()).containsExactly(50, 1);
            assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
            assertThat(a.toFloatArray()).containsExactly(Rng.seeded(7).uniforms(50));
        }
    }

    /** Standard normal draws: mean 0 and variance 1 within 4 standard errors. */
    @Test
    public void randnMomentsArePlausible() {
        try (TensorScope scope = backend().openScope()) {
            double[] v = backend().randn(Rng.seeded(2024), N).toDoubleArray();
            double mean = Checks.mean(v);
            double var = Checks.variance(v, mean);
            assertThat(Math.abs(mean)).as("mean %s", mean).isLessThan(4 / Math.sqrt(N));
            // the sample variance of N normals has standard error sqrt(2 / (N - 1))
            assertThat(Math.abs(var - 1)).as("variance %s", var).isLessThan(4 * Math.sqrt(2.0 / (N - 1)));
        }
    }

    /** Uniform draws: all in [0, 1), mean 1/2 and variance 1/12 within 4 standard errors. */
    @Test
    public void randMomentsArePlausible() {
        try (TensorScope scope = backend().openScope()) {
            double[] u = backend().rand(Rng.seeded(99), N).toDoubleArray();
            for (double x : u) {
                assertThat(x).isGreaterThanOrEqualTo(0).isLessThan(1);
            }
            double mean = Checks.mean(u);
            double var = Checks.variance(u, mean);
            assertThat(Math.abs(mean - 0.5)).as("mean %s", mean).isLessThan(4 * Math.sqrt(1.0 / 12 / N));
            // Var of (U - 1/2)^2 is 1/80 - 1/144 = 1/180
            assertThat(Math.abs(var - 1.0 / 12)).as("variance %s", var).isLessThan(4 * Math.sqrt(1.0 / 180 / N));
        }
    }
}
