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
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/** What the {@code djl} backend promises beyond the shared contracts. */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
class DjlBackendTest {

    @Test
    void describesEngineDeviceAndThreadPolicy() {
        int cores = Math.min(4, Runtime.getRuntime().availableProcessors());
        try (DjlBackend auto = DjlBackend.open();
                DjlBackend pinned = DjlBackend.open(new BackendOptions(1, Device.CPU))) {
            assertThat(auto.name()).isEqualTo("djl");
            assertThat(auto.description()).isEqualTo("PyTorch 2.7.1 via DJL 0.36.0 on cpu, threads auto (1.." + cores
                    + "), " + auto.mklDispatch() + ", " + NativeMemory.prepare(NativeMemory.Mode.KEEP));
            assertThat(pinned.description()).isEqualTo("PyTorch 2.7.1 via DJL 0.36.0 on cpu, threads 1, "
                    + pinned.mklDispatch() + ", " + NativeMemory.prepare(NativeMemory.Mode.KEEP));
            assertThat(auto.device()).isEqualTo(Device.CPU);
            assertThat(auto.capabilities()).containsExactlyInAnyOrder(Capability.EXACT_DIVERGENCE, Capability.FLOAT64);
            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
            assertThat(JniUtils.getNumInteropThreads()).isEqualTo(1);
        }
    }

    @Test
    void gpuIsRejectedWithTheReason() {
        assertThatThrownBy(() -> DjlBackend.open(new BackendOptions(BackendOptions.AUTO, Device.parse("gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("CUDA").hasMessageContaining("cpu");
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
}
