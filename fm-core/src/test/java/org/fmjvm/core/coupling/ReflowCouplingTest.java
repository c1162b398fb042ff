package org.fmjvm.core.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.metrics.KnownFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reflow with a constant-velocity teacher {@code v = c}, whose flow is {@code x1 = x0 + c}. */
class ReflowCouplingTest {

    static final float[] C = {1.25f, -0.5f, 2.0f};
    private static final int D = C.length;

    @TempDir
    Path tmp;

    /** Writes a checkpoint of {@code v = c} trained (nominally) from {@code source}. */
    static Path teacher(Path dir, String source) {
        CheckpointInfo info = CheckpointInfo.of(KnownFields.spec(D), CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "four-gaussians", source, 7, 10, 8,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(0.5, 1), Instant.EPOCH);
        Checkpoints.save(dir, info, KnownFields.constant(C));
        return dir;
    }

    private static FmRuntime runtime(String backend) {
        return FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend)));
    }

    private static void assertShifted(double[] x0, double[] x1, double tolerance) {
        for (int i = 0; i < x0.length; i++) {
            assertThat(x1[i]).as("x1[%d]", i).isCloseTo(x0[i] + C[i % D], within(tolerance));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void aConstantTeacherPairsX0WithX0PlusC(String backend) {
        Path dir = teacher(tmp.resolve("teacher"), "standard-normal");
        int b = 64;
        float[] z = Rng.seeded(3).normals(b * D);
        try (FmRuntime fm = runtime(backend); TensorScope scope = fm.backend().openScope();
                ReflowCoupling oneStep = new ReflowCoupling(dir, 1, ReflowCoupling.Method.EULER, 0);
                ReflowCoupling euler = new ReflowCoupling(dir, ReflowCoupling.DEFAULT_STEPS,
                        ReflowCoupling.Method.EULER, 0);
                ReflowCoupling rk4 = new ReflowCoupling(dir, 25, ReflowCoupling.Method.RK4, 0)) {
            Backend be = fm.backend();
            Tensor x0 = be.fromArray(z, b, D);
            Tensor data = be.full(9, b, D);
            CoupledBatch exact = oneStep.pair(x0, data, Rng.seeded(1));
            assertThat(exact.x0()).isSameAs(x0);
            float[] got = exact.x1().toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("one Euler step: x1[%d] = x0 + c in float32", i).isEqualTo(z[i] + C[i % D]);
            }
            double worst = 0;
            for (ReflowCoupling c : List.of(euler, rk4)) {
                double[] x1 = c.pair(x0, data, Rng.seeded(1)).x1().toDoubleArray();
                assertShifted(x0.toDoubleArray(), x1, 1e-5);
                for (int i = 0; i < x1.length; i++) {
                    worst = Math.max(worst, Math.abs(x1[i] - (z[i] + C[i % D])));
                }
            }
            System.out.printf("%s: max |x1 - (x0 + c)| with euler-100 / rk4-25 = %.2e%n", backend, worst);
            // the teacher is reused: a second call gives the same pairs
            assertThat(euler.pair(x0, data, Rng.seeded(2)).x1().toDoubleArray())
                    .containsExactly(euler.pair(x0, data, Rng.seeded(1)).x1().toDoubleArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void cachedPairsAreDrawnFromOneSeededSetOfTeacherPairs(String backend) {
        Path dir = teacher(tmp.resolve("teacher"), "standard-normal");
        int n = 20;
        int b = 64;
        Set<List<Double>> cache = new HashSet<>();
        float[] noise = Rng.seeded(5).split("reflow-pairs").normals(n * D);
        for (int k = 0; k < n; k++) {
            cache.add(List.of((double) noise[k * D], (double) noise[k * D + 1], (double) noise[k * D + 2]));
        }
        try (FmRuntime fm = runtime(backend); TensorScope scope = fm.backend().openScope();
                ReflowCoupling c = new ReflowCoupling(dir, 25, ReflowCoupling.Method.RK4, n)) {
            Tensor x0 = fm.backend().randn(Rng.seeded(9), b, D);
            Set<List<Double>> seen = new HashSet<>();
            for (long seed : new long[] {5, 6, 7}) { // the set is made at the first call, from seed 5
                CoupledBatch batch = c.pair(x0, x0, Rng.seeded(seed));
                double[] s = batch.x0().toDoubleArray();
                assertShifted(s, batch.x1().toDoubleArray(), 1e-5);
                for (int i = 0; i < b; i++) {
                    List<Double> row = List.of(s[i * D], s[i * D + 1], s[i * D + 2]);
                    assertThat(cache).as("x0 row %d of the batch with seed %d", i, seed).contains(row);
                    seen.add(row);
                }
            }
            assertThat(seen.size()).as("distinct cached rows drawn by 3 x 64 uniform draws of 20").isGreaterThan(15);
            assertThat(c.pair(x0, x0, Rng.seeded(6)).x0().toDoubleArray())
                    .containsExactly(c.pair(x0, x0, Rng.seeded(6)).x0().toDoubleArray());
        }
    }

    @Test
    void aMissingOrInvalidTeacherFailsNamingTheFolder() {
        Path missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> new ReflowCoupling(missing, 10, ReflowCoupling.Method.EULER, 0))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(missing.toString())
                .hasMessageStartingWith("reflow teacher: ").hasMessageNotContaining("\n");
        Path empty = tmp.resolve("empty");
        assertThat(empty.toFile().mkdirs()).isTrue();
        assertThatThrownBy(() -> new ReflowCoupling(empty, 10, ReflowCoupling.Method.EULER, 0))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(empty.toString())
                .hasMessageContaining("checkpoint.json").hasMessageNotContaining("\n");
        Path moons = teacher(tmp.resolve("from-moons"), "moons");
        assertThatThrownBy(() -> new ReflowCoupling(moons, 10, ReflowCoupling.Method.EULER, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(moons.toString())
                .hasMessageContaining("'moons'").hasMessageNotContaining("\n");
    }

    @Test
    void aTeacherOfAnotherDimensionFailsAtTheFirstPair() {
        Path dir = teacher(tmp.resolve("teacher"), "standard-normal");
        try (FmRuntime fm = runtime("djl"); TensorScope scope = fm.backend().openScope();
                ReflowCoupling c = new ReflowCoupling(dir, 10, ReflowCoupling.Method.EULER, 0)) {
            Tensor x = fm.backend().full(0, 8, 2);
            assertThatThrownBy(() -> c.pair(x, x, Rng.seeded(0))).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("dimension 3")
                    .hasMessageContaining("[8, 2]");
        }
    }

    @Test
    void isRegisteredAsReflowWithItsParameters() throws Exception {
        Path dir = teacher(tmp.resolve("teacher"), "standard-normal");
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of("djl"))
                .withCoupling(new ComponentChoice("reflow", Map.of("teacher", dir.toString(), "method", "rk4",
                        "steps", "25"))))) {
            assertThat(fm.coupling()).isInstanceOf(ReflowCoupling.class);
            assertThat(fm.coupling().describe()).contains(dir.toString()).contains("rk4, 25 steps")
                    .contains("every batch");
            ((ReflowCoupling) fm.coupling()).close();
        }
        assertThatThrownBy(() -> FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of("djl"))
                .withCoupling(ComponentChoice.of("reflow")))).hasMessageContaining("teacher is required");
        assertThatThrownBy(() -> FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of("djl"))
                .withCoupling(new ComponentChoice("reflow", Map.of("teacher", dir.toString(), "method", "midpoint")))))
                .hasMessageContaining("midpoint").hasMessageContaining("euler, rk4");
        assertThat(Files.exists(dir.resolve(Checkpoints.INFO_FILE))).isTrue();
    }
}
