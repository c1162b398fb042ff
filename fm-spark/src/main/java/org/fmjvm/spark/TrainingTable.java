package org.fmjvm.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.normalize.Normalizer;

import scala.Tuple2;

/**
 * A table to train on data-parallel: its rows on the cluster, numbered in the table's order, and the
 * normalisation fitted on the driver over all of them.
 *
 * <p>A CSV file is parsed on the driver by fm-core's {@link CsvDataset}, so it is read exactly as
 * {@code fm train --dataset FILE.csv} reads it (header, comments, blank lines, float32 values, every
 * error message); its rows, numbered in file order, are then handed to the cluster. A Parquet file or
 * folder is read by Spark; every column must be numeric and becomes float32, and rows are numbered in
 * the order Spark reads them (the same for the same files). Either way the driver holds the whole table
 * once, {@code 4 x rows x columns} bytes, to fit the normalisation: {@link Normalizer#fit} over all rows
 * in their order, which for a CSV file gives exactly the statistics {@code fm train} fits (without
 * held-out rows).
 *
 * <p>Rows go to workers by {@link #worker}: the rows are cut into consecutive blocks of {@code workers}
 * rows and block {@code b} deals its rows to the workers rotated by a number drawn from
 * {@code (seed, b)}. Every worker gets {@code rows / workers} rows, or one more; a file sorted or
 * interleaved by class still reaches every worker mixed; and the assignment depends on nothing but the
 * row number, so a retried task gets exactly the same rows.
 *
 * <p>Not thread-safe. {@link #close()} releases the cluster's cached copy of a Parquet table.
 */
public final class TrainingTable implements AutoCloseable {

    /** Rows per block handed to the cluster from a CSV file parsed on the driver. */
    private static final int CSV_BLOCK_ROWS = 65_536;

    private final String name;
    private final List<String> columns;
    private final int rows;
    private final int dim;
    private final Normalizer normalizer;
    private final JavaRDD<Block> blocks;
    private final JavaRDD<float[]> cached;

    private TrainingTable(String name, List<String> columns, int rows, int dim, Normalizer normalizer,
            JavaRDD<Block> blocks, JavaRDD<float[]> cached) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.dim = dim;
        this.normalizer = normalizer;
        this.blocks = blocks;
        this.cached = cached;
    }

    /**
     * Consecutive rows of the table.
     *
     * @param firstRow the 0-based number of the first
     * @param values the rows, row-major
     */
    record Block(long firstRow, float[] values) implements Serializable {
    }

    /**
     * Reads a table and fits its normalisation.
     *
     * @param spark the session
     * @param file a CSV file, or Parquet (a file or a folder of files) of numeric columns
     * @param kind the normalisation to fit over all rows ({@link Normalizer.Kind#NONE} for none)
     * @return the table
     * @throws DataException if the file is missing or unreadable, a column is not numeric, a value is NaN,
     *     missing or infinite, a CSV line has another number of fields than the first, or the table is
     *     too small for the normalisation; the message names the file, and the row and column if any
     */
    public static TrainingTable read(SparkSession spark, Path file, Normalizer.Kind kind) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(kind, "kind");
        requireExists(file);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String name = file.toString();
        if (isCsv(file)) {
            CsvDataset csv = CsvDataset.load(file);
            float[] table = csv.points();
            int dim = csv.dim();
            List<Block> list = new ArrayList<>();
            for (int first = 0; first < csv.size(); first += CSV_BLOCK_ROWS) {
                int end = Math.min(csv.size(), first + CSV_BLOCK_ROWS);
                list.add(new Block(first, Arrays.copyOfRange(table, first * dim, end * dim)));
            }
            Normalizer normalizer = fit(kind, table, csv.size(), dim);
            return new TrainingTable(name, csv.columnNames(), csv.size(), dim, normalizer,
                    jsc.parallelize(list, list.size()), null);
        }
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = spark.read().parquet(name);
            df.schema();
        } catch (RuntimeException e) {
            throw new DataException("cannot read " + name + " as Parquet: " + firstLine(e.getMessage())
                    + "; pass a CSV file (.csv), a Parquet file or a folder of Parquet files", e);
        }
        StructField[] fields = df.schema().fields();
        if (fields.length == 0) {
            throw new DataException(name + " has no columns; it needs one numeric column per coordinate");
        }
        List<String> names = new ArrayList<>();
        Column[] asFloat = new Column[fields.length];
        for (int j = 0; j < fields.length; j++) {
            StructField f = fields[j];
            if (!(f.dataType() instanceof NumericType)) {
                throw new DataException(name + " column '" + f.name() + "' has type " + f.dataType().simpleString()
                        + "; every column must be numeric: write a table of only the coordinates' columns");
            }
            names.add(f.name());
            asFloat[j] = functions.col("`" + f.name().replace("`", "``") + "`").cast(DataTypes.FloatType);
        }
        int dim = fields.length;
        JavaRDD<float[]> packed = df.select(asFloat).javaRDD().mapPartitions(it -> List.of(pack(it, dim)).iterator());
        packed.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<float[]> parts = packed.collect();
            long[] offsets = new long[parts.size()];
            long total = 0;
            for (int p = 0; p < parts.size(); p++) {
                offsets[p] = total;
                total += parts.get(p).length / dim;
            }
            if (total * dim > Integer.MAX_VALUE - 8) {
                throw new DataException(name + " has " + total + " rows of " + dim + " columns, more than the driver"
                        + " can hold in one array to fit the normalisation; train on a sample of the rows");
            }
            float[] table = new float[(int) (total * dim)];
            for (int p = 0; p < parts.size(); p++) {
                System.arraycopy(parts.get(p), 0, table, (int) offsets[p] * dim, parts.get(p).length);
            }
            requireFinite(name, table, dim, names);
            Normalizer normalizer = fit(kind, table, (int) total, dim);
            JavaRDD<Block> blocks = packed.mapPartitionsWithIndex((p, it) -> List.of(new Block(offsets[p],
                    it.next())).iterator(), true);
            return new TrainingTable(name, names, (int) total, dim, normalizer, blocks, packed);
        } catch (RuntimeException e) {
            packed.unpersist(false);
            throw e;
        }
    }

    /**
     * @param file the table
     * @throws DataException if it does not exist, naming what {@code --dataset} accepts
     */
    static void requireExists(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new DataException(file + " does not exist: --dataset takes a built-in data set " + Datasets.names()
                    + ", a CSV file or Parquet (a file or a folder); relative paths start at "
                    + Path.of("").toAbsolutePath());
        }
    }

    /** A file ending in .csv, or a file that is neither named .parquet nor starts with Parquet's magic bytes. */
    private static boolean isCsv(Path file) {
        if (Files.isDirectory(file)) {
            return false;
        }
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return true;
        }
        if (lower.endsWith(".parquet")) {
            return false;
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(magic, 0, 4) < 4 || !new String(magic, StandardCharsets.US_ASCII).equals("PAR1");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage() + "; check the file's permissions",
                    e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /** One partition's rows as one row-major array; a null value becomes NaN (reported by the driver). */
    private static float[] pack(Iterator<Row> it, int dim) {
        float[] out = new float[1024 * dim];
        int n = 0;
        while (it.hasNext()) {
            Row r = it.next();
            if ((n + 1) * dim > out.length) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, (n + 1) * dim));
            }
            for (int j = 0; j < dim; j++) {
                out[n * dim + j] = r.isNullAt(j) ? Float.NaN : r.getFloat(j);
            }
            n++;
        }
        return Arrays.copyOf(out, n * dim);
    }

    private static void requireFinite(String name, float[] table, int dim, List<String> columns) {
        if (table.length == 0) {
            throw new DataException(name + " has no rows; training needs at least one row per worker");
        }
        for (int i = 0; i < table.length; i++) {
            float v = table[i];
            if (!Float.isFinite(v)) {
                String where = name + " row " + (i / dim + 1) + ", column '" + columns.get(i % dim) + "'";
                throw new DataException(Float.isNaN(v) ? where + " is NaN or missing; remove or impute it"
                        : where + " is infinite or beyond the float32 range (about +-3.4e38); remove it or rescale"
                        + " the column");
            }
        }
    }

    /** {@code fm train}'s fit without held-out rows: the identity for none, else {@link Normalizer#fit}. */
    private static Normalizer fit(Normalizer.Kind kind, float[] table, int rows, int dim) {
        return kind == Normalizer.Kind.NONE ? Normalizer.identity(dim)
                : Normalizer.fit(kind, table, rows, dim, Set.of());
    }

    /**
     * The worker of a row: the rows are cut into blocks of {@code workers} consecutive rows, and block
     * {@code b = row / workers} gives its rows to the workers rotated by
     * {@code Rng.seeded(salt).split(b).nextInt(workers)}.
     *
     * @param row the 0-based row number
     * @param workers the workers, {@code >= 1}
     * @param salt {@link #salt} of the run's seed
     * @return the worker, in {@code [0, workers)}
     */
    static int worker(long row, int workers, long salt) {
        long block = row / workers;
        int shift = Rng.seeded(salt).split(block).nextInt(workers);
        return (int) ((row % workers + shift) % workers);
    }

    /**
     * @param seed the run's seed
     * @return the seed of the rows' assignment to workers
     */
    static long salt(long seed) {
        return Rng.seeded(seed).split("spark-rows").seed();
    }

    /**
     * @param workers the workers
     * @param seed the run's seed
     * @return how many rows each worker gets
     */
    int[] rowsPerWorker(int workers, long seed) {
        int[] out = new int[workers];
        Arrays.fill(out, rows / workers);
        long salt = salt(seed);
        for (long r = (long) rows / workers * workers; r < rows; r++) {
            out[worker(r, workers, salt)]++;
        }
        return out;
    }

    /**
     * @param workers the workers
     * @param seed the run's seed
     * @return every row keyed by its number, in {@code workers} partitions, partition {@code w} holding
     *     worker {@code w}'s rows (in no particular order)
     */
    JavaPairRDD<Long, float[]> byWorker(int workers, long seed) {
        int d = dim;
        return blocks.flatMapToPair(b -> new RowIterator(b, d)).partitionBy(new WorkerPartitioner(workers,
                salt(seed)));
    }

    /** The rows of a block, each with its number. */
    private static final class RowIterator implements Iterator<Tuple2<Long, float[]>> {
        private final Block block;
        private final int dim;
        private int at;

        RowIterator(Block block, int dim) {
            this.block = block;
            this.dim = dim;
        }

        @Override
        public boolean hasNext() {
            return (at + 1) * dim <= block.values().length;
        }

        @Override
        public Tuple2<Long, float[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            float[] row = Arrays.copyOfRange(block.values(), at * dim, (at + 1) * dim);
            return new Tuple2<>(block.firstRow() + at++, row);
        }
    }

    /** Sends row {@code r} to partition {@link #worker}{@code (r)}. */
    static final class WorkerPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int workers;
        private final long salt;

        WorkerPartitioner(int workers, long salt) {
            this.workers = workers;
            this.salt = salt;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            return worker((Long) key, workers, salt);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WorkerPartitioner p && p.workers == workers && p.salt == salt;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(salt) * 31 + workers;
        }
    }

    /** @return the path as given, which the checkpoint records as its data */
    public String name() {
        return name;
    }

    /** @return the column names (a CSV header's, Parquet's), or an empty list for a CSV file without header */
    public List<String> columns() {
        return columns;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @return the number of columns, the data's dimension */
    public int dim() {
        return dim;
    }

    /** @return the normalisation fitted over all rows */
    public Normalizer normalizer() {
        return normalizer;
    }

    /** @return e.g. {@code points.csv: 20000 rows, standard scaling of 2 columns} */
    public String describe() {
        return name + ": " + rows + " row" + (rows == 1 ? "" : "s") + ", " + normalizer.describe();
    }

    /** Releases the cluster's cached copy of a Parquet table. */
    @Override
    public void close() {
        if (cached != null) {
            cached.unpersist(false);
        }
    }
}
