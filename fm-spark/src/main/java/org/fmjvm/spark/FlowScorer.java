package org.fmjvm.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.likelihood.Likelihood;
import org.fmjvm.core.train.TrainingData;

/**
 * Scores a DataFrame under a checkpoint's flow: appends each row's log density in nats, computed on
 * the executors by {@link Likelihood} (exact divergence, the same code and the same numbers as
 * {@code fm likelihood}), {@link Likelihood#CHUNK} rows at a time per partition. A table's scaling
 * is included, so the densities are in the data's own units. A row with a null input gets a null
 * score; {@code -Infinity} marks a point the flow gives no density (as in {@code fm likelihood}).
 *
 * <p>Thread-safe.
 */
public final class FlowScorer {

    /** The default name of the added column. */
    public static final String OUTPUT = "log_density";

    private FlowScorer() {
    }

    /**
     * Scores the columns named after the checkpoint's columns (or {@code x1..xD}) into {@value #OUTPUT}.
     *
     * @param df the rows; the input columns must be numeric
     * @param image the checkpoint
     * @param options backend, solver and steps (e.g. {@link FlowOptions#scoring()})
     * @return {@code df} with a double column {@value #OUTPUT} appended, computed lazily
     */
    public static Dataset<Row> logLikelihood(Dataset<Row> df, CheckpointImage image, FlowOptions options) {
        return logLikelihood(df, image, options, image.columns(), OUTPUT);
    }

    /**
     * @param df the rows
     * @param image the checkpoint
     * @param options backend, solver and steps
     * @param inputCols the columns holding the point's coordinates, in the checkpoint's order
     * @param outputCol the name of the added column
     * @return {@code df} with a double column {@code outputCol} appended, computed lazily
     * @throws ConfigurationException if a column is missing or not numeric, their count is not the
     *     checkpoint's dimension, or {@code outputCol} exists
     */
    public static Dataset<Row> logLikelihood(Dataset<Row> df, CheckpointImage image, FlowOptions options,
            List<String> inputCols, String outputCol) {
        Objects.requireNonNull(df, "df");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(outputCol, "outputCol");
        StructType schema = df.schema();
        int[] at = inputIndices(schema, inputCols, image.dataDim());
        if (Arrays.asList(schema.fieldNames()).contains(outputCol)) {
            throw new ConfigurationException("the input already has a column '" + outputCol + "'; choose another"
                    + " output column name");
        }
        StructType out = schema.add(outputCol, DataTypes.DoubleType, true);
        Broadcast<CheckpointImage> shared = df.sparkSession().sparkContext().broadcast(image,
                scala.reflect.ClassTag$.MODULE$.apply(CheckpointImage.class));
        MapPartitionsFunction<Row, Row> score = rows -> new Scored(rows, at, shared, options);
        return df.mapPartitions(score, Encoders.row(out));
    }

    static int[] inputIndices(StructType schema, List<String> inputCols, int dim) {
        Objects.requireNonNull(inputCols, "inputCols");
        if (inputCols.size() != dim) {
            throw new ConfigurationException(inputCols.size() + " input columns " + inputCols
                    + " for a checkpoint of dimension " + dim);
        }
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] at = new int[dim];
        for (int j = 0; j < dim; j++) {
            at[j] = names.indexOf(inputCols.get(j));
            if (at[j] < 0) {
                throw new ConfigurationException("no column '" + inputCols.get(j) + "' in the input; its columns are "
                        + names + " (give the input columns explicitly)");
            }
            if (!(schema.fields()[at[j]].dataType() instanceof org.apache.spark.sql.types.NumericType)) {
                throw new ConfigurationException("column '" + inputCols.get(j) + "' is "
                        + schema.fields()[at[j]].dataType().simpleString() + ", not numeric");
            }
        }
        return at;
    }

    /** A partition's rows with their scores, computed a chunk at a time. */
    private static final class Scored implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final int[] at;
        private final Broadcast<CheckpointImage> shared;
        private final FlowOptions options;
        private Likelihood likelihood;
        private CheckpointInfo info;
        private final List<Row> batch = new ArrayList<>();
        private Double[] scores = new Double[0];
        private int next;

        Scored(Iterator<Row> rows, int[] at, Broadcast<CheckpointImage> shared, FlowOptions options) {
            this.rows = rows;
            this.at = at;
            this.shared = shared;
            this.options = options;
        }

        @Override
        public boolean hasNext() {
            if (next < batch.size()) {
                return true;
            }
            if (!rows.hasNext()) {
                return false;
            }
            fill();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = batch.get(next);
            Object[] values = new Object[r.size() + 1];
            for (int i = 0; i < r.size(); i++) {
                values[i] = r.get(i);
            }
            values[r.size()] = scores[next++];
            return RowFactory.create(values);
        }

        private void fill() {
            batch.clear();
            next = 0;
            while (batch.size() < Likelihood.CHUNK && rows.hasNext()) {
                batch.add(rows.next());
            }
            int dim = at.length;
            float[] x = new float[batch.size() * dim];
            int[] which = new int[batch.size()];
            int n = 0;
            for (int r = 0; r < batch.size(); r++) {
                Row row = batch.get(r);
                boolean complete = true;
                for (int j = 0; j < dim && complete; j++) {
                    complete = !row.isNullAt(at[j]);
                }
                if (!complete) {
                    continue;
                }
                for (int j = 0; j < dim; j++) {
                    x[n * dim + j] = ((Number) row.get(at[j])).floatValue();
                }
                which[n++] = r;
            }
            scores = new Double[batch.size()];
            if (n == 0) {
                return;
            }
            if (likelihood == null) {
                ExecutorModels.Session s = ExecutorModels.borrow(shared.value(), options);
                info = s.checkpoint().info();
                likelihood = new Likelihood(s.model(), s.runtime().solver(),
                        TrainingData.modelSource(s.checkpoint().source(), info.normalization()));
            }
            double[] logp = likelihood.logDensity(n == batch.size() ? x : Arrays.copyOf(x, n * dim), n,
                    info.normalization(), options.solve());
            for (int i = 0; i < n; i++) {
                scores[which[i]] = logp[i];
            }
        }
    }
}
