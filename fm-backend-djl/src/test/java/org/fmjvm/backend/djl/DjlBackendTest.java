package org.fmjvm.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Capability;
import org.fmjvm.api.Device;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/** What the {@code djl} backend promises beyond the shared contracts. */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
class DjlBackendTest {

    @Test
    void describesEngineDeviceAndThreadPolicy() {
        int cores = Math.min(4, Runtime.getRuntime().availableProcessors());
        try (DjlBackend auto = DjlBackend.open(); DjlBackend pinned = DjlBackend.open(new DjlOptions(1, Device.CPU))) {
            assertThat(auto.name()).isEqualTo("djl");
            assertThat(auto.description()).isEqualTo("PyTorch 2.7.1 via DJL 0.36.0 on cpu, threads auto (1.." + cores
                    + "), " + auto.mklDispatch());
            assertThat(pinned.description()).isEqualTo("PyTorch 2.7.1 via DJL 0.36.0 on cpu, threads 1, "
                    + pinned.mklDispatch());
            assertThat(auto.device()).isEqualTo(Device.CPU);
            assertThat(auto.capabilities()).containsExactlyInAnyOrder(Capability.EXACT_DIVERGENCE, Capability.FLOAT64);
            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
            assertThat(JniUtils.getNumInteropThreads()).isEqualTo(1);
        }
    }

    @Test
    void gpuIsRejectedWithTheReason() {
        assertThatThrownBy(() -> DjlBackend.open(new DjlOptions(DjlOptions.AUTO, Device.parse("gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("CUDA").hasMessageContaining("cpu");
    }

    @Test
    void optionsParse() {
        assertThat(DjlOptions.parse("auto", "cpu")).isEqualTo(DjlOptions.defaults());
        assertThat(DjlOptions.parse(" AUTO ", "CPU").autoThreads()).isTrue();
        assertThat(DjlOptions.parse("2", "cpu").threads()).isEqualTo(2);
        assertThat(DjlOptions.parse("1", "gpu:1").device()).isEqualTo(new Device("gpu", 1));
        for (String bad : new String[] {"0", "-1", "many", ""}) {
            assertThatThrownBy(() -> DjlOptions.parse(bad, "cpu")).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("threads");
        }
        assertThatThrownBy(() -> DjlOptions.parse("auto", "tpu")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tpu");
    }

    @Test
    void closedBackendRefusesWork() {
        DjlBackend backend = DjlBackend.open();
        backend.close();
        backend.close();
        assertThatThrownBy(backend::openScope).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void modelCallsLeaveNoNativeArraysBehind() {
        ModelSpec spec = ModelSpec.mlp(2);
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        try (DjlBackend backend = DjlBackend.open();
                TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3).withMaxGradNorm(1), w);
                VelocityModel frozen = backend.newModel(spec.withDim(2), w)) {
            int before = backend.nativeArrays();
            try (TensorScope scope = backend.openScope()) {
                Rng rng = Rng.seeded(2);
                Tensor t = backend.rand(rng, 64, 1);
                Tensor x = backend.randn(rng, 64, 2);
                model.trainStep(t, x, x);
                model.loss(t, x, x);
                model.velocity(t, x);
                model.divergence(t, x);
                model.divergenceEstimate(t, x, x);
                frozen.velocity(t, x);
                frozen.divergence(t, x);
                frozen.divergenceEstimate(t, x, x);
                // inputs and the six results: nothing else survives the calls
                assertThat(backend.nativeArrays()).isEqualTo(before + 2 + 6);
            }
            assertThat(backend.nativeArrays()).isEqualTo(before);
        }
    }

    @Test
    void inferenceOnAFreshThreadRecordsNoGraph() throws Exception {
        ModelSpec spec = ModelSpec.mlp(2);
        try (DjlBackend backend = DjlBackend.open();
                TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                        spec.initialWeights(Rng.seeded(1)))) {
            // libtorch starts every new thread with grad mode on
            boolean[] result = CompletableFuture.supplyAsync(() -> {
                boolean gradModeBefore = JniUtils.isGradMode();
                try (TensorScope scope = backend.openScope()) {
                    Tensor v = model.velocity(0.5, backend.randn(Rng.seeded(3), 16, 2));
                    return new boolean[] {gradModeBefore, JniUtils.requiresGrad(((DjlTensor) v).array())};
                }
            }, runnable -> new Thread(runnable, "fresh-thread").start()).get(60, TimeUnit.SECONDS);
            assertThat(result[0]).as("grad mode of a new thread before the call").isTrue();
            assertThat(result[1]).as("velocity requires grad (an autograd graph was recorded)").isFalse();
        }
    }

    @Test
    void twoModelsTrainOnTwoThreadsAtOnce() throws Exception {
        ModelSpec spec = new ModelSpec(2, java.util.List.of(64, 64), org.fmjvm.api.model.Activation.SILU,
                new org.fmjvm.api.model.TimeEmbedding.Raw());
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        try (DjlBackend backend = DjlBackend.open()) {
            java.util.function.Supplier<ModelWeights> run = () -> {
                try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-2), w)) {
                    Rng rng = Rng.seeded(5);
                    for (int s = 0; s < 150; s++) {
                        try (TensorScope scope = backend.openScope()) {
                            Tensor t = backend.rand(rng, 64, 1);
                            Tensor x = backend.randn(rng, 64, 2);
                            model.trainStep(t, x, x.mul(-1));
                            model.divergence(t, x);
                        }
                    }
                    return model.weights();
                }
            };
            CompletableFuture<ModelWeights> a = CompletableFuture.supplyAsync(run,
                    r -> new Thread(r, "trainer-a").start());
            CompletableFuture<ModelWeights> b = CompletableFuture.supplyAsync(run,
                    r -> new Thread(r, "trainer-b").start());
            ModelWeights wa = a.get(120, TimeUnit.SECONDS);
            assertThat(b.get(120, TimeUnit.SECONDS)).isEqualTo(wa);
            assertThat(run.get()).isEqualTo(wa);
        }
    }
}
