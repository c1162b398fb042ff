package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.fmjvm.api.Capability;
import org.fmjvm.api.Device;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.error.BackendException;
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
        try (TfBackend auto = TfBackend.open();
                TfBackend pinned = TfBackend.open(new BackendOptions(1, Device.CPU))) {
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
        assertThat(TfThreads.of(BackendOptions.defaults(), 2)).isEqualTo(new TfThreads(2, 2, true));
        assertThat(TfThreads.of(BackendOptions.defaults(), 16)).isEqualTo(new TfThreads(4, 2, true));
        assertThat(TfThreads.of(BackendOptions.defaults(), 1)).isEqualTo(new TfThreads(1, 1, true));
        assertThat(TfThreads.of(new BackendOptions(1, Device.CPU), 8)).isEqualTo(new TfThreads(1, 1, false));
        assertThat(TfThreads.of(new BackendOptions(3, Device.CPU), 2)).isEqualTo(new TfThreads(3, 2, false));
    }

    @Test
    void gpuIsRejectedWithTheReason() {
        assertThatThrownBy(() -> TfBackend.open(new BackendOptions(BackendOptions.AUTO, Device.parse("gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("GPU").hasMessageContaining("cpu");
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
