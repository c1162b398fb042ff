package org.fmjvm.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.sample.Sampler;

/**
 * Generates points from a checkpoint on Spark: the checkpoint is broadcast once, and partition
 * {@code p} of {@code P} integrates {@code n / P} points (one more for the first {@code n % P}
 * partitions) from noise drawn with {@code Rng.seeded(seed).split("spark-sample").split(p)}. So the
 * total is exactly {@code n}, and the output depends only on the seed, the partition count, the
 * backend, the solver and its steps: a task Spark re-runs after a failure writes the same rows, and
 * a run with the same values writes the same data set.
 *
 * <p>Rows are generated lazily, {@link #CHUNK} at a time, so a partition's memory stays
 * bounded however many rows it holds. Thread-safe.
 */
public final class SparkSampler {

    /**
     * Rows integrated at once. Smaller than {@link Sampler#CHUNK}: a Spark task runs on a pool thread,
     * whose glibc malloc arena serves the 64 MB activations of a 65,536-row chunk by fresh mmap calls
     * (page faults on every step), which made sampling 2.5x slower than {@code fm sample}; at this size
     * the backend's buffers are reused.
     */
    public static final int CHUNK = 8_192;

    private SparkSampler() {
    }

    /**
     * @param spark the session
     * @param image the checkpoint
     * @param n the total number of points, {@code >= 1}
     * @param partitions the partition count {@code P}, {@code >= 1}
     * @param seed the seed of the noise
     * @param options backend, solver and steps
     * @return a lazily computed data set of {@code n} rows, one float column per dimension, named after
     *     the checkpoint's columns (or {@code x1..xD})
     */
    public static Dataset<Row> sample(SparkSession spark, CheckpointImage image, long n, int partitions, long seed,
            FlowOptions options) {
        return sample(spark, image, n, partitions, seed, options, Fault.NONE);
    }

    /** As {@link #sample(SparkSession, CheckpointImage, long, int, long, FlowOptions)}, with a fault to inject. */
    static Dataset<Row> sample(SparkSession spark, CheckpointImage image, long n, int partitions, long seed,
            FlowOptions options, Fault fault) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(options, "options");
        if (n < 1) {
            throw new ConfigurationException("--n must be >= 1, got " + n);
        }
        if (partitions < 1) {
            throw new ConfigurationException("--partitions must be >= 1, got " + partitions);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<CheckpointImage> shared = sc.broadcast(image);
        List<Integer> ids = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        int dim = image.dataDim();
        int chunkRows = Integer.getInteger("fm.spark.chunk", CHUNK);
        JavaRDD<Row> rows = sc.parallelize(ids, partitions).mapPartitionsWithIndex((p, ignored) -> {
            long count = rowsOf(n, partitions, p);
            if (count == 0) {
                return Collections.emptyIterator();
            }
            ExecutorModels.Session s = ExecutorModels.borrow(shared.value(), options);
            Sampler sampler = s.runtime().sampler(s.model(), s.checkpoint().source(),
                    s.checkpoint().info().normalization());
            Iterator<float[]> chunks = sampler.stream(count, options.solve(), partitionRng(seed, p), chunkRows);
            return fault.wrap(p, new RowIterator(chunks, dim));
        }, true);
        return spark.createDataFrame(rows, schema(image.columns()));
    }

    /**
     * @param n total rows
     * @param partitions the partition count
     * @param p a partition
     * @return the rows partition {@code p} generates: {@code n / P}, plus one for {@code p < n % P}
     */
    static long rowsOf(long n, int partitions, int p) {
        return n / partitions + (p < n % partitions ? 1 : 0);
    }

    /**
     * @param seed the run's seed
     * @param p a partition
     * @return the generator of that partition's noise
     */
    static Rng partitionRng(long seed, int p) {
        return Rng.seeded(seed).split("spark-sample").split(p);
    }

    /** @return one non-null float column per name */
    static StructType schema(List<String> columns) {
        List<StructField> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(DataTypes.createStructField(c, DataTypes.FloatType, false));
        }
        return DataTypes.createStructType(fields);
    }

    /** The rows of a stream of row-major chunks. */
    private static final class RowIterator implements Iterator<Row> {
        private final Iterator<float[]> chunks;
        private final int dim;
        private float[] chunk = new float[0];
        private int at;

        RowIterator(Iterator<float[]> chunks, int dim) {
            this.chunks = chunks;
            this.dim = dim;
        }

        @Override
        public boolean hasNext() {
            while (at >= chunk.length) {
                if (!chunks.hasNext()) {
                    return false;
                }
                chunk = chunks.next();
                at = 0;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object[] values = new Object[dim];
            for (int j = 0; j < dim; j++) {
                values[j] = chunk[at + j];
            }
            at += dim;
            return RowFactory.create(values);
        }
    }

    /**
     * A failure to inject, for tests of Spark's retries: the first attempt of one partition throws after
     * emitting some of its rows.
     *
     * @param partition the partition to fail, or -1 for none
     * @param afterRows rows emitted before the failure
     */
    record Fault(int partition, long afterRows) implements Serializable {
        static final Fault NONE = new Fault(-1, 0);

        Iterator<Row> wrap(int p, Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            if (p != partition || task == null || task.attemptNumber() > 0) {
                return rows;
            }
            return new Iterator<>() {
                private long emitted;

                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    if (emitted++ == afterRows) {
                        throw new IllegalStateException("injected failure of partition " + p + " after "
                                + afterRows + " rows (attempt " + task.attemptNumber() + ")");
                    }
                    return rows.next();
                }
            };
        }
    }
}
