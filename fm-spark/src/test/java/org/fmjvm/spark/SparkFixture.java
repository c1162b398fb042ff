package org.fmjvm.spark;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.normalize.Normalizer;

/** One embedded Spark session for every test class, and a small checkpoint with a nonlinear flow. */
final class SparkFixture {

    /** Two worker threads, and up to four attempts per task so that an injected failure is retried. */
    static final String MASTER = "local[2,4]";

    private static SparkSession spark;

    private SparkFixture() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master(MASTER).appName("fm-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * Writes a checkpoint of a 2-D SiLU network with seeded random weights (a bent, nonlinear flow)
     * and column names {@code u, v}.
     */
    static Path checkpoint(Path dir) {
        ModelSpec spec = new ModelSpec(2, List.of(16, 16), Activation.SILU, new TimeEmbedding.Raw());
        Rng rng = Rng.seeded(7).split("fixture-weights");
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec.parameterShapes()) {
            float[] v = rng.normals(p.size());
            for (int i = 0; i < v.length; i++) {
                v[i] *= 0.4f;
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        Path out = dir.resolve("checkpoint");
        CheckpointInfo info = CheckpointInfo.of(spec, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "four-gaussians", "standard-normal", 0, 1, 1,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(1, 0), Instant.now())
                .withTable(Normalizer.identity(2), null, List.of("u", "v"));
        Checkpoints.save(out, info, new ModelWeights(params));
        return out;
    }
}
