package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.fmjvm.api.Capability;
import org.fmjvm.api.Device;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/** What the {@code tf} backend promises beyond the shared contracts. */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
class TfBackendTest {

    @Test
    void describesEngineDeviceAndThreadPolicy() {
        int cores = Runtime.getRuntime().availableProcessors();
        try (TfBackend auto = TfBackend.open(); TfBackend pinned = TfBackend.open(new TfOptions(1, Device.CPU))) {
            // the process-wide intra-op pool was sized by the first backend of this JVM
            int effective = TfThreads.claimIntraOp(Math.min(4, cores));
            assertThat(auto.name()).isEqualTo("tf");
            assertThat(auto.description()).startsWith("TensorFlow 2.18.0 via TF Java 1.1.0 on cpu, threads auto ("
                    + effective + " intra-op").endsWith(Math.min(2, cores) + " inter-op)");
            assertThat(pinned.description()).startsWith("TensorFlow 2.18.0 via TF Java 1.1.0 on cpu, threads 1 ("
                    + effective + " intra-op").endsWith(", 1 inter-op)");
            if (effective != 1) {
                assertThat(pinned.description()).contains("fixed by an earlier backend in this process");
            }
            assertThat(auto.device()).isEqualTo(Device.CPU);
            assertThat(auto.capabilities()).containsExactlyInAnyOrder(Capability.EXACT_DIVERGENCE, Capability.FLOAT64);
        }
    }

    @Test
    void threadSettingsFollowTheOptions() {
        assertThat(TfThreads.of(TfOptions.defaults(), 2)).isEqualTo(new TfThreads(2, 2, true));
        assertThat(TfThreads.of(TfOptions.defaults(), 16)).isEqualTo(new TfThreads(4, 2, true));
        assertThat(TfThreads.of(TfOptions.defaults(), 1)).isEqualTo(new TfThreads(1, 1, true));
        assertThat(TfThreads.of(new TfOptions(1, Device.CPU), 8)).isEqualTo(new TfThreads(1, 1, false));
        assertThat(TfThreads.of(new TfOptions(3, Device.CPU), 2)).isEqualTo(new TfThreads(3, 2, false));
    }

    @Test
    void gpuIsRejectedWithTheReason() {
        assertThatThrownBy(() -> TfBackend.open(new TfOptions(TfOptions.AUTO, Device.parse("gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("GPU").hasMessageContaining("cpu");
    }

    @Test
    void optionsParse() {
        assertThat(TfOptions.parse("auto", "cpu")).isEqualTo(TfOptions.defaults());
        assertThat(TfOptions.parse(" AUTO ", "CPU").autoThreads()).isTrue();
        assertThat(TfOptions.parse("2", "cpu").threads()).isEqualTo(2);
        assertThat(TfOptions.parse("1", "gpu:1").device()).isEqualTo(new Device("gpu", 1));
        for (String bad : new String[] {"0", "-1", "many", ""}) {
            assertThatThrownBy(() -> TfOptions.parse(bad, "cpu")).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("threads");
        }
        assertThatThrownBy(() -> TfOptions.parse("auto", "tpu")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tpu");
    }

    @Test
    void closedBackendRefusesWork() {
        TfBackend backend = TfBackend.open();
        backend.close();
        backend.close();
        assertThatThrownBy(backend::openScope).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheBackendFreesOpenScopesAndModels() {
        ModelSpec spec = small();
        TfBackend backend = TfBackend.open();
        TensorScope scope = backend.openScope();
        Tensor x = backend.randn(Rng.seeded(1), 4, 2);
        TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(Rng.seeded(2)));
        model.velocity(0.5, x);
        assertThat(backend.nativeHandles()).isEqualTo(2 + 3 * 2L * spec.layers());
        backend.close();
        assertThat(backend.liveTensors()).isZero();
        assertThat(backend.nativeHandles()).isZero();
        assertThatThrownBy(x::toFloatArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.velocity(0.5, x)).isInstanceOf(IllegalStateException.class);
        model.close();
        scope.close();
    }

    @Test
    void modelCallsLeaveNoNativeHandlesBehind() {
        ModelSpec spec = ModelSpec.mlp(2);
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        try (TfBackend backend = TfBackend.open();
                TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3).withMaxGradNorm(1), w);
                VelocityModel frozen = backend.newModel(spec, w)) {
            long before = backend.nativeHandles();
            assertThat(before).as("weights, means and variances, then weights").isEqualTo(4 * 2L * spec.layers());
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
                assertThat(backend.nativeHandles()).isEqualTo(before + 2 + 6);
                assertThat(backend.liveTensors()).isEqualTo(2 + 6);
            }
            assertThat(backend.nativeHandles()).isEqualTo(before);
        }
    }

    @Test
    void keepMovesOwnershipWithoutCopying() {
        try (TfBackend backend = TfBackend.open(); TensorScope outer = backend.openScope()) {
            Tensor kept;
            long handles;
            try (TensorScope inner = backend.openScope()) {
                kept = inner.keep(backend.fromArray(new float[] {1, 2, 3}, 3).mul(2));
                handles = backend.nativeHandles();
            }
            assertThat(backend.nativeHandles()).as("only the temporaries were freed").isEqualTo(handles - 1);
            assertThat(kept.toFloatArray()).containsExactly(2, 4, 6);
        }
    }

    @Test
    void twoModelsTrainOnTwoThreadsAtOnce() throws Exception {
        ModelSpec spec = new ModelSpec(2, List.of(64, 64), Activation.SILU, new TimeEmbedding.Raw());
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        try (TfBackend backend = TfBackend.open()) {
            Supplier<ModelWeights> run = () -> {
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
            assertThat(backend.liveTensors()).isZero();
        }
    }

    @Test
    void weightsMoveBetweenModelsExactly() {
        ModelSpec spec = small();
        try (TfBackend backend = TfBackend.open();
                TrainableModel trained = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-2),
                        spec.initialWeights(Rng.seeded(3)))) {
            Rng rng = Rng.seeded(4);
            for (int s = 0; s < 5; s++) {
                try (TensorScope scope = backend.openScope()) {
                    trained.trainStep(backend.rand(rng, 32, 1), backend.randn(rng, 32, 2), backend.randn(rng, 32, 2));
                }
            }
            ModelWeights w = trained.weights();
            try (VelocityModel copy = backend.newModel(spec, w); TensorScope scope = backend.openScope()) {
                Tensor x = backend.randn(rng, 16, 2);
                assertThat(copy.weights()).isEqualTo(w);
                assertThat(copy.velocity(0.25, x).toFloatArray()).containsExactly(trained.velocity(0.25, x)
                        .toFloatArray());
            }
        }
    }

    @Test
    void nativeFailuresBecomeBackendExceptionsAndLeaveTheThreadUsable() {
        try (TfBackend backend = TfBackend.open(); TensorScope scope = backend.openScope()) {
            TfRuntime runtime = backend.runtime();
            assertThatThrownBy(() -> runtime.op("NoSuchTensorFlowOp")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("NoSuchTensorFlowOp");
            Tensor x = backend.fromArray(new float[] {1, 2}, 2);
            // a call that only writes the status on failure must not see the failure above
            assertThat(x.toDType(org.fmjvm.api.DType.FLOAT32).toFloatArray()).containsExactly(1, 2);
            TfTensor raw = (TfTensor) x;
            assertThatThrownBy(() -> runtime.callFunction("NoSuchFunction", 1, raw.handle()))
                    .isInstanceOf(BackendException.class).hasMessageContaining("NoSuchFunction");
            assertThat(x.add(x).toFloatArray()).containsExactly(2, 4);
            assertThat(backend.nativeHandles()).isEqualTo(backend.liveTensors());
        }
    }

    private static ModelSpec small() {
        return new ModelSpec(2, List.of(8), Activation.TANH, new TimeEmbedding.Raw());
    }
}
