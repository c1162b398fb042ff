package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.ToLongFunction;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * The native-memory contract: model calls leave nothing native behind but their results, and a
 * long run does not grow native memory. Memory is counted three ways: {@link Backend#liveTensors()},
 * a count of the backend's own native resources given to the constructor (every native array or
 * handle it holds, the models' weights and optimizer state included, so that a leak the
 * live-tensor count cannot see still shows), and the process resident set size (Linux only).
 *
 * <p>Subclass it once per backend:
 *
 * <pre>{@code
 * class MyMemoryTest extends MemoryContract {
 *     MyMemoryTest() {
 *         super("native handles", backend -> ((MyBackend) backend).nativeHandles());
 *     }
 *
 *     protected Backend createBackend() {
 *         return MyBackend.open();
 *     }
 * }
 * }</pre>
 *
 * The long run takes a few seconds: 2,500 steps of the tutorial network.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
public abstract class MemoryContract extends BackendSuite {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long MAX_RSS_GROWTH_KB = 96 * 1024;

    private final String nativeName;
    private final ToLongFunction<Backend> nativeCount;

    /**
     * @param nativeName what the native count counts, for messages, e.g. {@code "native arrays"}
     * @param nativeCount reads that count from the suite's backend; called on the test thread
     */
    protected MemoryContract(String nativeName, ToLongFunction<Backend> nativeCount) {
        this.nativeName = Objects.requireNonNull(nativeName, "nativeName");
        this.nativeCount = Objects.requireNonNull(nativeCount, "nativeCount");
    }

    private long natives() {
        return nativeCount.applyAsLong(backend());
    }

    /**
     * Every model method, on a trainable and on an inference model, leaves exactly its result
     * behind: each live tensor holds one native resource, and closing the scope frees them all.
     */
    @Test
    public void modelCallsLeaveOnlyTheirResultsBehind() {
        Backend backend = backend();
        ModelSpec spec = ModelSpec.mlp(Workloads.DIM);
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3).withMaxGradNorm(1), w);
                VelocityModel frozen = backend.newModel(spec, w)) {
            long before = natives();
            long live = backend.liveTensors();
            try (TensorScope scope = backend.openScope()) {
                Rng rng = Rng.seeded(2);
                Tensor t = backend.rand(rng, 64, 1);
                Tensor x = backend.randn(rng, 64, Workloads.DIM);
                model.trainStep(t, x, x);
                model.loss(t, x, x);
                model.velocity(t, x);
                model.divergence(t, x);
                model.divergenceEstimate(t, x, x);
                frozen.velocity(t, x);
                frozen.divergence(t, x);
                frozen.divergenceEstimate(t, x, x);
                // the two inputs and the six results: nothing else survives the calls
                assertThat(backend.liveTensors()).as("live tensors").isEqualTo(live + 2 + 6);
                assertThat(natives()).as(nativeName).isEqualTo(before + 2 + 6);
            }
            assertThat(backend.liveTensors()).as("live tensors after the scope").isEqualTo(live);
            assertThat(natives()).as(nativeName + " after the scope").isEqualTo(before);
        }
    }

    /**
     * 2,000 training steps of the tutorial network (with a velocity, a loss, an exact divergence
     * and a Hutchinson estimate every 50 steps) keep the live tensor count and the native count
     * flat, and the process resident set size grows by less than a generous bound, after 500 steps
     * of warm-up (the allocator and the JVM heap settle within the first few hundred).
     *
     * @throws IOException if {@code /proc/self/status} cannot be read
     */
    @Test
    public void longTrainingRunKeepsMemoryFlat() throws IOException {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        Backend backend = backend();
        ModelSpec spec = ModelSpec.mlp(Workloads.DIM);
        Rng rng = Rng.seeded(2026);
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(rng.split("init")))) {
            for (int i = 0; i < 500; i++) {
                step(backend, model, rng, i);
            }
            System.gc();
            long rss0 = rssKb();
            long live0 = backend.liveTensors();
            long native0 = natives();
            for (int i = 0; i < 2_000; i++) {
                step(backend, model, rng, i);
                if (i % 250 == 0) {
                    assertThat(backend.liveTensors()).as("live tensors at step " + i).isEqualTo(live0);
                    assertThat(natives()).as(nativeName + " at step " + i).isEqualTo(native0);
                }
            }
            System.gc();
            long growth = rssKb() - rss0;
            System.out.printf("RSS after warm-up %d KiB, growth over 2,000 steps %d KiB; %d live tensors, %d %s%n",
                    rss0, growth, backend.liveTensors(), natives(), nativeName);
            assertThat(backend.liveTensors()).isEqualTo(live0);
            assertThat(natives()).as(nativeName).isEqualTo(native0);
            assertThat(growth).as("RSS growth in KiB over 2,000 steps (from %d KiB)", rss0)
                    .isLessThan(MAX_RSS_GROWTH_KB);
            assertThat(model.stepsTaken()).isEqualTo(2_500);
        }
    }

    private static void step(Backend backend, TrainableModel model, Rng rng, int i) {
        try (TensorScope scope = backend.openScope()) {
            Workloads.Batch b = Workloads.batch(backend, rng, 256, 2);
            assertThat(model.trainStep(b.t(), b.xt(), b.dxt())).isFinite();
            if (i % 50 == 0) {
                model.velocity(0.5, b.xt());
                model.loss(b.t(), b.xt(), b.dxt());
                model.divergence(b.t(), b.xt());
                model.divergenceEstimate(b.t(), b.xt(), b.x0());
            }
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in " + STATUS);
    }
}
