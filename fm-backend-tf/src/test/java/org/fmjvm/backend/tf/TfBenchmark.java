package org.fmjvm.backend.tf;

import java.util.Locale;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.Workloads;

/**
 * Timings of the tutorial network (3 x 256, SiLU, {@code concat(x, t)}, dimension 2) on this
 * backend, for the record; not a test (timings do not belong in unit tests). Measured with the
 * same fm-testkit {@link org.fmjvm.testkit.Workloads} as fm-backend-djl's {@code DjlBenchmark}: a
 * training step on a batch built on the backend (median
 * of the timed steps after warm-up), the velocity forward pass at 10,000 rows including the copy to
 * the host, Euler-100 sampling of 10,000 points, and a loop of small tensor operations.
 *
 * <p>TensorFlow fixes its intra-op thread pool once per process, so each thread setting needs its
 * own JVM. Run from the module directory with
 * {@code java -cp target/classes:target/test-classes:<test class path> org.fmjvm.backend.tf.TfBenchmark [what] [threads]}
 * where {@code what} is {@code train}, {@code forward}, {@code sample}, {@code ops} or {@code all}
 * and {@code threads} is {@code auto} (default) or a count. Set {@code TF_CPP_MIN_LOG_LEVEL=2} to
 * silence TensorFlow's load-time notices.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
public final class TfBenchmark {
    private TfBenchmark() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        String threads = args.length > 1 ? args[1] : "auto";
        ModelSpec spec = ModelSpec.mlp(2);
        ModelWeights w0 = spec.initialWeights(Rng.seeded(1));
        try (TfBackend backend = TfBackend.open(BackendOptions.parse(TfBackend.NAME, threads, "cpu"))) {
            System.out.println(backend.description());
            if (what.equals("all") || what.equals("train")) {
                train(backend, spec, w0, 256, 1200, 300);
                train(backend, spec, w0, 4096, 120, 30);
            }
            if (what.equals("all") || what.equals("forward")) {
                double[] ms = Workloads.forwardMillis(backend, spec, w0, 10_000, 60);
                System.out.printf(Locale.ROOT, "forward 10000 rows median %7.2f ms  mean %7.2f ms%n", Workloads.percentile(ms, 50),
                        Workloads.mean(ms));
            }
            if (what.equals("all") || what.equals("sample")) {
                for (int rep = 0; rep < 2; rep++) {
                    double seconds = Workloads.eulerSeconds(backend, spec, w0, 10_000, 100);
                    System.out.printf(Locale.ROOT, "euler-100 10000 points %7.0f samples/s (%.2f s)%n",
                            10_000 / seconds, seconds);
                }
            }
            if (what.equals("all") || what.equals("ops")) {
                for (int rep = 0; rep < 3; rep++) {
                    System.out.printf(Locale.ROOT, "small-op loop: %.1f us per iteration of 5 ops in a scope%n",
                            smallOps(backend, 5_000));
                }
            }
        }
    }

    static void train(TfBackend backend, ModelSpec spec, ModelWeights w0, int batch, int steps, int warmup) {
        Rng rng = Rng.seeded(3);
        double[] ms = new double[steps];
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3), w0)) {
            for (int i = 0; i < warmup; i++) {
                Workloads.trainStepMillis(backend, model, rng, batch);
            }
            for (int i = 0; i < steps; i++) {
                ms[i] = Workloads.trainStepMillis(backend, model, rng, batch);
            }
        }
        System.out.printf(Locale.ROOT, "train batch %5d median %7.2f ms  mean %7.2f ms  p90 %7.2f ms%n", batch,
                Workloads.percentile(ms, 50), Workloads.mean(ms), Workloads.percentile(ms, 90));
    }

    /** The scope contract's small-step loop; returns microseconds per iteration. */
    static double smallOps(TfBackend backend, int iterations) {
        try (TensorScope outer = backend.openScope()) {
            Tensor x = backend.fromArray(new float[] {0, 0, 0, 0}, 2, 2);
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                try (TensorScope step = backend.openScope()) {
                    Tensor v = x.mul(-0.5).add(1.0).tanh();
                    Tensor next = x.add(v.mul(0.01));
                    Tensor old = x;
                    x = step.keep(next);
                    old.close();
                }
            }
            return (System.nanoTime() - start) / 1e3 / iterations;
        }
    }
}
