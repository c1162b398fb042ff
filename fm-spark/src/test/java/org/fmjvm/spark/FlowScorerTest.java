package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.likelihood.Likelihood;
import org.fmjvm.core.train.TrainingData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowScorerTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static CheckpointImage image;
    private static SparkSession spark;
    private static final int ROWS = 1500;
    private static float[] x;
    private static Dataset<Row> df;

    @BeforeAll
    static void setUp() {
        checkpoint = SparkFixture.checkpoint(dir);
        image = CheckpointImage.of(checkpoint);
        spark = SparkFixture.spark();
        x = Rng.seeded(3).normals(ROWS * 2);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            rows.add(RowFactory.create((long) r, (double) x[2 * r], (double) x[2 * r + 1]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("u", DataTypes.DoubleType)
                .add("v", DataTypes.DoubleType);
        df = spark.createDataFrame(rows, schema).repartition(3);
    }

    /** What {@code fm likelihood --checkpoint DIR --dataset FILE.csv} computes (exact divergence, rk4, 20 steps). */
    private static double[] singleMachine(FlowOptions options) {
        Checkpoints.Loaded loaded = Checkpoints.load(checkpoint);
        try (FmRuntime fm = FlowMatching.bootstrap(options.config());
                VelocityModel model = fm.loadModel(loaded.info().model(), loaded.weights())) {
            Likelihood likelihood = new Likelihood(model, fm.solver(),
                    TrainingData.modelSource(loaded.source(), loaded.info().normalization()));
            return likelihood.logDensity(x, ROWS, loaded.info().normalization(), options.solve());
        }
    }

    private static void assertScoresMatch(FlowOptions options, double tolerance) {
        List<Row> scored = FlowScorer.logLikelihood(df, image, options).collectAsList();
        double[] expected = singleMachine(FlowOptions.scoring().withBackend("djl"));
        assertThat(scored).hasSize(ROWS);
        for (Row r : scored) {
            int id = (int) r.getLong(0);
            assertThat(r.getDouble(1)).isEqualTo((double) x[2 * id]);
            assertThat(r.getDouble(3)).as("row %d", id)
                    .isCloseTo(expected[id], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @Test
    void sparkScoresEqualSingleMachineLikelihoodPerRow() {
        assertScoresMatch(FlowOptions.scoring().withBackend("djl"), 1e-5);
    }

    @Test
    void theTensorFlowBackendScoresOnTheExecutorsToo() {
        assertScoresMatch(FlowOptions.scoring().withBackend("tf"), 1e-4);
    }

    @Test
    void aRowWithANullGetsANullScoreAndBadColumnsAreNamed() {
        StructType schema = new StructType().add("u", DataTypes.FloatType).add("v", DataTypes.FloatType);
        Dataset<Row> some = spark.createDataFrame(List.of(RowFactory.create(0.5f, null), RowFactory.create(0.5f, 0.25f)),
                schema);
        List<Row> out = FlowScorer.logLikelihood(some, image, FlowOptions.scoring().withBackend("djl")).collectAsList();
        assertThat(out.get(0).isNullAt(2)).isTrue();
        assertThat(Double.isFinite(out.get(1).getDouble(2))).isTrue();

        assertThatThrownBy(() -> FlowScorer.logLikelihood(some, image, FlowOptions.scoring(), List.of("u", "w"),
                "log_density")).isInstanceOf(ConfigurationException.class).hasMessageContaining("no column 'w'");
        assertThatThrownBy(() -> FlowScorer.logLikelihood(some, image, FlowOptions.scoring(), List.of("u", "v"), "u"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("already has a column 'u'");
    }
}
