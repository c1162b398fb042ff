package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.ChildJvm;
import org.fmjvm.testkit.Workloads;
import org.junit.jupiter.api.Test;

/**
 * What makes {@code threads=auto} safe for reproducibility: training and inference with 1 and with 2
 * TensorFlow intra-op threads give bitwise-identical results, at batch sizes where TensorFlow does
 * split the work between threads (and with gradient clipping, whose global norm is a full
 * reduction). TensorFlow sizes its intra-op pool once per process, so each thread count runs in its
 * own child JVM, which prints the hash codes of every loss, the final weights, a velocity, an exact
 * divergence and a Hutchinson estimate. If this fails on a machine, runs there with the same seed can
 * differ in the last bits between thread counts; pin {@code threads} for exact reproducibility.
 */
class TfThreadInvarianceTest {

    @Test
    void resultsAreBitwiseIdenticalWithOneAndTwoThreads() throws Exception {
        List<String> one = ChildJvm.results(Child.class, "1");
        List<String> two = ChildJvm.results(Child.class, "2");
        assertThat(one).hasSize(6);
        assertThat(two).isEqualTo(one);
    }

    /** The child JVM: one backend with the given thread count, results printed as hash codes. */
    @SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) {
            ModelSpec spec = ModelSpec.mlp(2);
            try (TfBackend backend = TfBackend.open(BackendOptions.parse(TfBackend.NAME, args[0], "cpu"))) {
                ModelWeights w0 = spec.initialWeights(Rng.seeded(1));
                for (int[] run : new int[][] {{256, 30}, {4096, 6}, {40_000, 2}}) {
                    List<Object> trained = Workloads.train(backend, spec, w0, run[0], run[1]);
                    System.out.println("result train " + run[0] + " " + trained.hashCode());
                }
                Rng data = Rng.seeded(3);
                try (TensorScope scope = backend.openScope();
                        VelocityModel model = backend.newModel(spec, spec.initialWeights(Rng.seeded(2)))) {
                    Tensor x = backend.randn(data, 10_000, 2);
                    System.out.println("result velocity " + Arrays.hashCode(model.velocity(0.3, x).toFloatArray()));
                    Tensor xs = x.slice(0, 0, 2048);
                    System.out.println("result divergence "
                            + Arrays.hashCode(model.divergence(backend.full(0.7, 2048, 1), xs).toFloatArray()));
                    System.out.println("result estimate " + Arrays.hashCode(model.divergenceEstimate(
                            backend.full(0.2, 10_000, 1), x, backend.randn(data, 10_000, 2)).toFloatArray()));
                }
            }
        }
    }
}
