package org.fmjvm.backend.djl;

import java.util.Arrays;
import java.util.Locale;

import org.fmjvm.api.Device;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;

/**
 * Timings of the tutorial network (3 x 256, SiLU) on this backend, for the record; not a test
 * (timings do not belong in unit tests). Run from the module directory with
 * {@code java -cp target/classes:target/test-classes:<test class path> org.fmjvm.backend.djl.DjlBenchmark}.
 * Prints step times per thread policy (interleaved in blocks so background load hits all alike),
 * the velocity forward at 10,000 rows, and Euler-100 sampling throughput. Arguments: {@code train},
 * {@code forward}, {@code sample} or {@code all}.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
public final class DjlBenchmark {
    private DjlBenchmark() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        ModelSpec spec = ModelSpec.mlp(2);
        ModelWeights w0 = spec.initialWeights(Rng.seeded(1));
        String[] policies = {"auto", "1", "2"};
        if (what.equals("all") || what.equals("train")) {
            for (int batch : new int[] {256, 4096}) {
                trainInterleaved(spec, w0, batch, policies, batch == 256 ? 100 : 10, batch == 256 ? 12 : 8);
            }
        }
        if (what.equals("all") || what.equals("forward")) {
            for (String policy : policies) {
                try (DjlBackend backend = DjlBackend.open(DjlOptions.parse(policy, "cpu"))) {
                    double[] ms = forward(backend, spec, w0, 10_000, 60);
                    System.out.printf(Locale.ROOT, "forward 10000 rows threads %-4s median %7.2f ms  mean %7.2f ms%n",
                            policy, pct(ms, 50), mean(ms));
                }
            }
        }
        if (what.equals("all") || what.equals("sample")) {
            for (String policy : policies) {
                try (DjlBackend backend = DjlBackend.open(DjlOptions.parse(policy, "cpu"))) {
                    for (int rep = 0; rep < 2; rep++) {
                        double seconds = euler(backend, spec, w0, 10_000, 100);
                        System.out.printf(Locale.ROOT, "euler-100 10000 points threads %-4s %7.0f samples/s (%.2f s)%n",
                                policy, 10_000 / seconds, seconds);
                    }
                }
            }
        }
    }

    /**
     * Runs the policies in rotating blocks of {@code block} steps for {@code rounds} rounds, so
     * that changes in background load hit every policy alike; prints the median, mean and p90 per
     * policy and, for auto, how many steps ran on each thread count.
     */
    static void trainInterleaved(ModelSpec spec, ModelWeights w0, int batch, String[] policies, int block, int rounds) {
        DjlBackend[] backends = new DjlBackend[policies.length];
        TrainableModel[] models = new TrainableModel[policies.length];
        double[][] ms = new double[policies.length][block * rounds];
        int[][] threadCounts = new int[policies.length][8];
        Rng rng = Rng.seeded(3);
        try {
            for (int p = 0; p < policies.length; p++) {
                backends[p] = DjlBackend.open(DjlOptions.parse(policies[p], "cpu"));
                models[p] = backends[p].newTrainableModel(spec, OptimizerSpec.adam(1e-3), w0);
                for (int i = 0; i < 3 * block; i++) {
                    step(backends[p], models[p], rng, batch);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < policies.length; p++) {
                    for (int i = 0; i < block; i++) {
                        ms[p][r * block + i] = step(backends[p], models[p], rng, batch);
                        threadCounts[p][Math.min(7, ai.djl.pytorch.jni.JniUtils.getNumThreads())]++;
                    }
                }
            }
            for (int p = 0; p < policies.length; p++) {
                System.out.printf(Locale.ROOT, "train batch %5d threads %-4s median %7.2f ms  mean %7.2f ms  p90 %7.2f ms"
                        + "  steps on 1/2 threads: %d/%d%n", batch, policies[p], pct(ms[p], 50), mean(ms[p]),
                        pct(ms[p], 90), threadCounts[p][1], threadCounts[p][2]);
            }
            System.out.println("   " + backends[0].governor().summary(ThreadGovernor.Workload.TRAIN_STEP, batch));
        } finally {
            for (int p = 0; p < policies.length; p++) {
                if (models[p] != null) {
                    models[p].close();
                }
                if (backends[p] != null) {
                    backends[p].close();
                }
            }
        }
    }

    /** One training step on a fresh batch; returns its wall time in ms. */
    static double step(DjlBackend backend, TrainableModel model, Rng rng, int batch) {
        try (TensorScope scope = backend.openScope()) {
            Tensor t = backend.rand(rng, batch, 1);
            Tensor x0 = backend.randn(rng, batch, 2);
            Tensor x1 = backend.randn(rng, batch, 2).mul(0.5).add(2);
            Tensor xt = x1.mul(t).add(x0.mul(t.rsub(1)));
            Tensor dxt = x1.sub(x0);
            long start = System.nanoTime();
            model.trainStep(t, xt, dxt);
            return (System.nanoTime() - start) / 1e6;
        }
    }

    static double[] forward(DjlBackend backend, ModelSpec spec, ModelWeights w0, int rows, int reps) {
        double[] ms = new double[reps];
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3), w0);
                TensorScope outer = backend.openScope()) {
            Tensor x = backend.randn(Rng.seeded(4), rows, 2);
            Tensor t = backend.full(0.5, rows, 1);
            for (int i = -5; i < reps; i++) {
                try (TensorScope scope = backend.openScope()) {
                    long start = System.nanoTime();
                    model.velocity(t, x).toFloatArray();
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        return ms;
    }

    static double euler(DjlBackend backend, ModelSpec spec, ModelWeights w0, int rows, int steps) {
        try (var model = backend.newModel(spec, w0); TensorScope outer = backend.openScope()) {
            Tensor x = backend.randn(Rng.seeded(5), rows, 2);
            long start = System.nanoTime();
            double h = 1.0 / steps;
            for (int k = 0; k < steps; k++) {
                try (TensorScope step = backend.openScope()) {
                    Tensor next = x.add(model.velocity(k * h, x).mul(h));
                    Tensor old = x;
                    x = step.keep(next);
                    old.close();
                }
            }
            x.toFloatArray();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    static double pct(double[] a, int p) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p / 100.0 * s.length))];
    }

    static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }
}
