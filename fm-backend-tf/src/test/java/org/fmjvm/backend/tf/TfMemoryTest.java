package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * A long run does not grow native memory: 2,000 training steps of the tutorial network (with a
 * velocity, a loss, an exact divergence and a Hutchinson estimate every 50 steps) keep the live
 * tensor count and the number of native tensor handles flat, and the process resident set size
 * grows by less than a generous bound after warm-up.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
class TfMemoryTest {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long MAX_RSS_GROWTH_KB = 96 * 1024;

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in " + STATUS);
    }

    private static void step(TfBackend backend, TrainableModel model, Rng rng, int i) {
        try (TensorScope scope = backend.openScope()) {
            Tensor t = backend.rand(rng, 256, 1);
            Tensor x0 = backend.randn(rng, 256, 2);
            Tensor x1 = backend.randn(rng, 256, 2).mul(0.5).add(2);
            Tensor xt = x1.mul(t).add(x0.mul(t.rsub(1)));
            Tensor dxt = x1.sub(x0);
            assertThat(model.trainStep(t, xt, dxt)).isFinite();
            if (i % 50 == 0) {
                model.velocity(0.5, xt);
                model.loss(t, xt, dxt);
                model.divergence(t, xt);
                model.divergenceEstimate(t, xt, x0);
            }
        }
    }

    @Test
    void longTrainingRunKeepsMemoryFlat() throws IOException {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        ModelSpec spec = ModelSpec.mlp(2);
        Rng rng = Rng.seeded(2026);
        try (TfBackend backend = TfBackend.open();
                TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                        spec.initialWeights(rng.split("init")))) {
            // warm-up: the allocator and the JVM heap settle within the first few hundred steps
            for (int i = 0; i < 500; i++) {
                step(backend, model, rng, i);
            }
            System.gc();
            long rss0 = rssKb();
            long live0 = backend.liveTensors();
            long native0 = backend.nativeHandles();
            for (int i = 0; i < 2_000; i++) {
                step(backend, model, rng, i);
                if (i % 250 == 0) {
                    assertThat(backend.liveTensors()).as("live tensors at step " + i).isEqualTo(live0);
                    assertThat(backend.nativeHandles()).as("native handles at step " + i).isEqualTo(native0);
                }
            }
            System.gc();
            long growth = rssKb() - rss0;
            System.out.printf("RSS after warm-up %d KiB, growth over 2,000 steps %d KiB; %d live tensors, %d native"
                    + " handles%n", rss0, growth, backend.liveTensors(), backend.nativeHandles());
            assertThat(backend.liveTensors()).isEqualTo(live0);
            assertThat(backend.nativeHandles()).isEqualTo(native0);
            assertThat(growth).as("RSS growth in KiB over 2,000 steps (from %d KiB)", rss0)
                    .isLessThan(MAX_RSS_GROWTH_KB);
            assertThat(model.stepsTaken()).isEqualTo(2_500);
        }
    }
}
