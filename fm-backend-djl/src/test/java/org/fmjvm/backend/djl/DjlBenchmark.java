package org.fmjvm.backend.djl;

import java.util.Locale;

import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.Workloads;

/**
 * Timings of the tutorial network (3 x 256, SiLU) on this backend, for the record; not a test
 * (timings do not belong in unit tests). Run from the module directory with
 * {@code java -cp target/classes:target/test-classes:<test class path> org.fmjvm.backend.djl.DjlBenchmark}.
 * Prints step times per thread policy (interleaved in blocks so background load hits all alike),
 * the velocity forward at 10,000 rows, and Euler-100 sampling throughput, all measured with
 * fm-testkit's {@link org.fmjvm.testkit.Workloads}. Arguments: {@code train},
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
                try (DjlBackend backend = DjlBackend.open(BackendOptions.parse(DjlBackend.NAME, policy, "cpu"))) {
                    double[] ms = Workloads.forwardMillis(backend, spec, w0, 10_000, 60);
                    System.out.printf(Locale.ROOT, "forward 10000 rows threads %-4s median %7.2f ms  mean %7.2f ms%n",
                            policy, Workloads.percentile(ms, 50), Workloads.mean(ms));
                }
            }
        }
        if (what.equals("all") || what.equals("sample")) {
            for (String policy : policies) {
                try (DjlBackend backend = DjlBackend.open(BackendOptions.parse(DjlBackend.NAME, policy, "cpu"))) {
                    for (int rep = 0; rep < 2; rep++) {
                        double seconds = Workloads.eulerSeconds(backend, spec, w0, 10_000, 100);
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
                backends[p] = DjlBackend.open(BackendOptions.parse(DjlBackend.NAME, policies[p], "cpu"));
                models[p] = backends[p].newTrainableModel(spec, OptimizerSpec.adam(1e-3), w0);
                for (int i = 0; i < 3 * block; i++) {
                    Workloads.trainStepMillis(backends[p], models[p], rng, batch);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < policies.length; p++) {
                    for (int i = 0; i < block; i++) {
                        ms[p][r * block + i] = Workloads.trainStepMillis(backends[p], models[p], rng, batch);
                        threadCounts[p][Math.min(7, ai.djl.pytorch.jni.JniUtils.getNumThreads())]++;
                    }
                }
            }
            for (int p = 0; p < policies.length; p++) {
                System.out.printf(Locale.ROOT, "train batch %5d threads %-4s median %7.2f ms  mean %7.2f ms  p90 %7.2f ms"
                        + "  steps on 1/2 threads: %d/%d%n", batch, policies[p], Workloads.percentile(ms[p], 50),
                        Workloads.mean(ms[p]), Workloads.percentile(ms[p], 90), threadCounts[p][1], threadCounts[p][2]);
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
}
