package org.fmjvm.spark;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.EmpiricalDataset;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.train.Checkpointing;
import org.fmjvm.core.train.LearningRateSchedule;
import org.fmjvm.core.train.Trainer;
import org.fmjvm.core.train.TrainingConfig;
import org.fmjvm.core.train.TrainingResult;
import org.fmjvm.core.train.TrainingState;

import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Data-parallel training in Spark's barrier execution mode, by local SGD (parameter averaging): one
 * barrier stage of {@code workers} tasks, all running at once. Every task builds the same initial
 * network (drawn from the recipe's seed) and trains it with {@code batch / workers} pairs per step
 * drawn by a trainer seeded from {@code (seed, task)}: from a built-in data set, or uniformly with
 * replacement from the task's own rows of a {@link TrainingTable} (in the model's coordinates, through
 * the normalisation the driver fitted over the whole table). After every {@code syncEvery} steps, and
 * after the last, the tasks all-gather their weights and Adam moments, each averages them elementwise
 * in task order (so every task holds bitwise the same average), and all continue from the average.
 * The learning-rate schedule runs on the global step. Task 0 returns the final weights; the driver
 * writes one ordinary checkpoint that {@code fm sample} reads, with the table's normalisation, so
 * samples come back in the data's units.
 *
 * <p>The same recipe, data and worker count reproduce the weights bitwise (on a deterministic
 * backend). A task that fails fails its stage attempt; Spark kills the other tasks and runs the stage
 * again from the start (up to {@code spark.stage.maxConsecutiveAttempts} times, default 4; the stage
 * is a shuffle-map stage because Spark never retries a barrier result stage), and since every task's
 * rows and draws depend only on the seed and its index, the retried run gives bitwise the weights of
 * an undisturbed one. A local master needs {@code local[N,F]} with {@code F >= 2} for a failed task
 * to reach that retry.
 *
 * <p>Cost: Spark's barrier polls for the other tasks once a second, so each averaging can add up to
 * a second of wall time whatever the model's size; choose {@code syncEvery} so that a segment takes
 * several seconds.
 */
public final class SparkTrainer {

    /** How the run's source distribution is labelled in the checkpoint ({@code x0 ~ N(0, I)}). */
    static final String SOURCE = GaussianSource.NAME;

    private SparkTrainer() {
    }

    /**
     * How to train, sent to every task.
     *
     * @param hidden the MLP's hidden widths
     * @param activation the hidden activation, e.g. {@code silu}
     * @param lr Adam's learning rate, {@code > 0}
     * @param lrSchedule {@code constant}, {@code cosine} (to 0) or {@code cosine:F} (to F x lr)
     * @param steps optimizer steps, {@code >= 1}
     * @param batch pairs per step over all workers together (each worker draws {@code batch / workers})
     * @param seed the one seed: initial weights, and each worker's draws
     * @param backend the backend's name, or {@code null} for the highest-ranked
     * @param backendParams the backend's parameters
     */
    public record Recipe(List<Integer> hidden, String activation, double lr, String lrSchedule,
            int steps, int batch, long seed, String backend, Map<String, String> backendParams) implements Serializable {

        /** Validates what can be checked without natives, and copies. */
        public Recipe {
            Objects.requireNonNull(activation, "activation");
            Objects.requireNonNull(lrSchedule, "lrSchedule");
            hidden = new ArrayList<>(Objects.requireNonNull(hidden, "hidden"));
            backendParams = new LinkedHashMap<>(Objects.requireNonNull(backendParams, "backendParams"));
            if (steps < 1) {
                throw new ConfigurationException("--steps must be >= 1, got " + steps);
            }
            if (batch < 1) {
                throw new ConfigurationException("--batch must be >= 1, got " + batch);
            }
            OptimizerSpec.adam(lr);
            schedule(lrSchedule);
            Activation.parse(activation);
        }

        /**
         * @param hidden hidden widths
         * @param steps optimizer steps
         * @param batch pairs per step over all workers
         * @param seed the seed
         * @return a recipe with {@code fm train}'s defaults otherwise: SiLU, Adam 1e-3, cosine schedule,
         *     the default backend
         */
        public static Recipe of(List<Integer> hidden, int steps, int batch, long seed) {
            return new Recipe(hidden, "silu", 1e-3, "cosine", steps, batch, seed, null, Map.of());
        }

        /** @return the network for data of dimension {@code dim} (raw time input) */
        ModelSpec model(int dim) {
            return new ModelSpec(dim, hidden, Activation.parse(activation), new TimeEmbedding.Raw());
        }

        /** @return Adam with the recipe's learning rate */
        OptimizerSpec optimizer() {
            return OptimizerSpec.adam(lr);
        }

        /** @return the runtime configuration: the backend and the seed (default path, coupling, time sampler) */
        FmConfig config() {
            return FmConfig.defaults().withBackend(new ComponentChoice(backend, backendParams)).withSeed(seed);
        }

        /**
         * @param workers the tasks sharing the batch
         * @return the training budget of one task
         */
        TrainingConfig perTask(int workers) {
            return new TrainingConfig(steps, batch / workers, schedule(lrSchedule));
        }

        private static LearningRateSchedule schedule(String text) {
            String s = text.strip().toLowerCase(Locale.ROOT);
            if (s.equals("constant")) {
                return new LearningRateSchedule.Constant();
            }
            if (s.equals("cosine")) {
                return new LearningRateSchedule.Cosine(0);
            }
            if (s.startsWith("cosine:")) {
                try {
                    return new LearningRateSchedule.Cosine(Double.parseDouble(s.substring("cosine:".length())));
                } catch (NumberFormatException e) {
                    // fall through to the message below
                }
            }
            throw new ConfigurationException("--lr-schedule must be constant, cosine or cosine:F, got '" + text + "'");
        }
    }

    /**
     * A finished run.
     *
     * @param info the checkpoint's description (as task 0 resolved the components)
     * @param weights the final averaged weights
     * @param taskDigests each task's SHA-256 of its final weights, by task; all equal after a correct run
     * @param taskRows the table rows each task trained on, by task (all 0 for a built-in data set)
     * @param finalLoss the tasks' mean of their mean loss over the last (up to) 100 steps
     * @param wallSeconds the stage's wall time on the driver
     */
    public record Result(CheckpointInfo info, ModelWeights weights, List<String> taskDigests, List<Integer> taskRows,
            double finalLoss, double wallSeconds) {

        /** Copies. */
        public Result {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(weights, "weights");
            taskDigests = List.copyOf(taskDigests);
            taskRows = List.copyOf(taskRows);
        }

        /**
         * Writes an ordinary checkpoint, as {@code fm train} does.
         *
         * @param out the folder (created if needed; an earlier checkpoint there is replaced)
         */
        public void save(Path out) {
            Checkpoints.save(out, info, weights);
        }
    }

    /**
     * Trains on a built-in data set in one barrier stage: every task draws from the whole distribution.
     *
     * @param spark the session; its cluster must run {@code workers} tasks at once
     * @param recipe how to train
     * @param dataset a built-in data set, e.g. {@code four-gaussians}
     * @param workers the tasks, {@code >= 1}, dividing {@code recipe.batch()}
     * @param syncEvery steps between averagings, {@code >= 1}
     * @return the final weights and what the checkpoint records
     * @throws ConfigurationException on an unknown data set, a bad worker count or interval, before any task
     *     starts
     */
    public static Result train(SparkSession spark, Recipe recipe, String dataset, int workers, int syncEvery) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(dataset, "dataset");
        if (!Datasets.names().contains(dataset)) {
            throw new ConfigurationException("--dataset must be a built-in data set " + Datasets.names()
                    + ", a CSV file or Parquet, got '" + dataset + "'");
        }
        requireLayout(recipe, workers, syncEvery);
        List<Integer> tasks = IntStream.range(0, workers).boxed().toList();
        RDD<Integer> partitions = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(tasks, workers)
                .rdd();
        Dataset data = Datasets.byName(dataset);
        return run(partitions, new BuiltIn(dataset), recipe, workers, syncEvery, Fault.NONE, recipe.model(data.dim()),
                info -> info);
    }

    /**
     * Trains on a table in one barrier stage: task {@code w} trains on the rows {@link TrainingTable}
     * deals to worker {@code w} only. The checkpoint records the table's path, its normalisation and its
     * column names, as {@code fm train --dataset FILE.csv} does.
     *
     * @param spark the session; its cluster must run {@code workers} tasks at once
     * @param recipe how to train
     * @param table the rows and their normalisation
     * @param workers the tasks, {@code >= 1}, dividing {@code recipe.batch()}, at most the table's rows
     * @param syncEvery steps between averagings, {@code >= 1}
     * @return the final weights and what the checkpoint records
     * @throws ConfigurationException on a bad worker count or interval, before any task starts
     * @throws DataException if the table has fewer rows than workers
     */
    public static Result train(SparkSession spark, Recipe recipe, TrainingTable table, int workers, int syncEvery) {
        return train(spark, recipe, table, workers, syncEvery, Fault.NONE);
    }

    /** {@link #train(SparkSession, Recipe, TrainingTable, int, int)} with a failure to inject, for tests. */
    static Result train(SparkSession spark, Recipe recipe, TrainingTable table, int workers, int syncEvery,
            Fault fault) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(table, "table");
        requireLayout(recipe, workers, syncEvery);
        if (table.rows() < workers) {
            throw new DataException(table.name() + " has " + table.rows() + " row" + (table.rows() == 1 ? "" : "s")
                    + " but --workers is " + workers + ": every worker trains on rows of its own; use --workers "
                    + table.rows() + " or fewer");
        }
        Normalizer normalizer = table.normalizer();
        TableRows data = new TableRows(table.name(), table.dim(), normalizer.toJson().toString());
        return run(table.byWorker(workers, recipe.seed()).rdd(), data, recipe, workers, syncEvery, fault,
                recipe.model(normalizer.outputDim()), info -> info.withTable(normalizer, null, table.columns()));
    }

    private static void requireLayout(Recipe recipe, int workers, int syncEvery) {
        if (workers < 1) {
            throw new ConfigurationException("--workers must be >= 1, got " + workers);
        }
        if (syncEvery < 1) {
            throw new ConfigurationException("--sync-every must be >= 1 step, got " + syncEvery);
        }
        if (recipe.batch() % workers != 0) {
            throw new ConfigurationException("--batch " + recipe.batch() + " must be a multiple of --workers " + workers
                    + " (each worker draws batch / workers pairs per step); try --batch "
                    + Math.max(workers, recipe.batch() / workers * workers));
        }
    }

    /**
     * Runs the barrier stage over {@code partitions} (one per task) and collects the tasks' results
     * through a shuffle, so that the barrier stage is a shuffle-map stage, which Spark retries whole
     * when a task fails (it aborts the job instead when a barrier result stage fails).
     */
    private static <T> Result run(RDD<T> partitions, TaskData data, Recipe recipe, int workers, int syncEvery,
            Fault fault, ModelSpec spec, UnaryOperator<CheckpointInfo> table) {
        long start = System.nanoTime();
        scala.reflect.ClassTag<TaskResult> tag = ClassTag$.MODULE$.apply(TaskResult.class);
        RDD<TaskResult> stage = partitions.barrier().mapPartitions(new TaskBody<T>(data, recipe, workers, syncEvery,
                fault), false, tag);
        List<TaskResult> results = new ArrayList<>(new JavaRDD<>(stage, tag).repartition(1).collect());
        double wall = (System.nanoTime() - start) / 1e9;
        results.sort(Comparator.comparingInt(TaskResult::task));
        TaskResult first = results.get(0);
        Components c = first.components();
        CheckpointInfo info = table.apply(CheckpointInfo.of(spec, new CheckpointInfo.Component(c.path(),
                c.pathParams()), new CheckpointInfo.Component(c.coupling(), c.couplingParams()), data.label(), SOURCE,
                recipe.seed(), recipe.steps(), recipe.batch(), recipe.optimizer(), c.backend(),
                new CheckpointInfo.TrainingSummary(first.meanFinalLoss(), wall), Instant.now()));
        ModelWeights weights = unflatten(spec.parameterShapes(), first.weights(), 0);
        return new Result(info, weights, results.stream().map(TaskResult::digest).toList(),
                results.stream().map(TaskResult::rows).toList(), first.meanFinalLoss(), wall);
    }

    /**
     * What a task hands back.
     *
     * @param task the task's index
     * @param rows the table rows it trained on, 0 for a built-in data set
     * @param digest SHA-256 of its final weights
     * @param meanFinalLoss the mean over tasks of the final loss (the same on every task)
     * @param components the components the task's runtime resolved (task 0), else {@code null}
     * @param weights the final weights, flattened in the model's order (task 0), else {@code null}
     */
    record TaskResult(int task, int rows, String digest, double meanFinalLoss, Components components, float[] weights)
            implements Serializable {
    }

    /**
     * The components a task's runtime resolved, with their parameters, for the checkpoint.
     *
     * @param path the path's name
     * @param pathParams its parameters
     * @param coupling the coupling's name
     * @param couplingParams its parameters
     * @param backend the backend's name
     */
    record Components(String path, Map<String, String> pathParams, String coupling, Map<String, String> couplingParams,
            String backend) implements Serializable {

        /** Copies the maps into serialisable ones. */
        Components {
            pathParams = new LinkedHashMap<>(pathParams);
            couplingParams = new LinkedHashMap<>(couplingParams);
        }

        static Components of(FmRuntime fm) {
            CheckpointInfo.Component p = fm.component(ComponentKind.PATH);
            CheckpointInfo.Component c = fm.component(ComponentKind.COUPLING);
            return new Components(p.name(), p.params(), c.name(), c.params(), fm.component(ComponentKind.BACKEND).name());
        }
    }

    /** Where a task's training pairs come from. */
    sealed interface TaskData extends Serializable {

        /** @return how the checkpoint names the data */
        String label();

        /**
         * @param task the task's index
         * @param partition the task's partition
         * @return the task's training distribution in the model's coordinates
         */
        Dataset open(int task, scala.collection.Iterator<?> partition);
    }

    /** A built-in data set: every task draws from the whole distribution; the partition is ignored. */
    record BuiltIn(String name) implements TaskData {
        @Override
        public String label() {
            return name;
        }

        @Override
        public Dataset open(int task, scala.collection.Iterator<?> partition) {
            return Datasets.byName(name);
        }
    }

    /**
     * A table's rows: the partition holds the task's rows keyed by row number; they are put in row
     * order (a shuffle delivers them in any order) and mapped through the driver's normalisation.
     *
     * @param name the table's path as given
     * @param dim its columns
     * @param normalization the normalisation's JSON form
     */
    record TableRows(String name, int dim, String normalization) implements TaskData {
        @Override
        public String label() {
            return name;
        }

        @Override
        public Dataset open(int task, scala.collection.Iterator<?> partition) {
            List<Tuple2<Long, float[]>> rows = new ArrayList<>();
            while (partition.hasNext()) {
                @SuppressWarnings("unchecked")
                Tuple2<Long, float[]> row = (Tuple2<Long, float[]>) partition.next();
                rows.add(row);
            }
            if (rows.isEmpty()) {
                throw new IllegalStateException("worker " + task + " got no rows of " + name);
            }
            rows.sort(Comparator.comparingLong(Tuple2::_1));
            float[] raw = new float[rows.size() * dim];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i)._2(), 0, raw, i * dim, dim);
            }
            Normalizer normalizer;
            try {
                normalizer = Normalizer.fromJson(new ObjectMapper().readTree(normalization), "the driver's normalisation");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the driver's normalisation is not JSON: " + e.getMessage(), e);
            }
            return EmpiricalDataset.of(name, normalizer.transform(raw, rows.size()), normalizer.outputDim(),
                    name + ": worker " + task + "'s " + rows.size() + " rows, " + normalizer.describe()
                    + ", sampled uniformly with replacement");
        }
    }

    /**
     * A failure to inject, for tests of Spark's retries: in the first attempt of the stage, task
     * {@code task} throws instead of its exchange number {@code atExchange} (1-based).
     *
     * @param task the task to fail, or -1 for none
     * @param atExchange the averaging it fails at
     */
    record Fault(int task, int atExchange) implements Serializable {
        static final Fault NONE = new Fault(-1, 0);

        Exchange wrap(BarrierTaskContext ctx, Exchange exchange) {
            if (ctx.partitionId() != task || ctx.stageAttemptNumber() > 0) {
                return exchange;
            }
            int[] count = {0};
            return message -> {
                if (++count[0] == atExchange) {
                    throw new IllegalStateException("injected failure of task " + task + " at averaging "
                            + atExchange + " (stage attempt " + ctx.stageAttemptNumber() + ")");
                }
                return exchange.allGather(message);
            };
        }
    }

    /** The body of every barrier task. */
    private static final class TaskBody<T> extends AbstractFunction1<scala.collection.Iterator<T>,
            scala.collection.Iterator<TaskResult>> implements Serializable {

        private static final long serialVersionUID = 1L;
        private final TaskData data;
        private final Recipe recipe;
        private final int workers;
        private final int syncEvery;
        private final Fault fault;

        TaskBody(TaskData data, Recipe recipe, int workers, int syncEvery, Fault fault) {
            this.data = data;
            this.recipe = recipe;
            this.workers = workers;
            this.syncEvery = syncEvery;
            this.fault = fault;
        }

        @Override
        public scala.collection.Iterator<TaskResult> apply(scala.collection.Iterator<T> partition) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int task = ctx.partitionId();
            Dataset rows = data.open(task, partition);
            TaskResult r = runTask(recipe, rows, workers, syncEvery, task, fault.wrap(ctx, ctx::allGather));
            return CollectionConverters.asScala(List.of(r).iterator());
        }
    }

    /** Exchanges one message with every task, returning all of them in task order. */
    @FunctionalInterface
    interface Exchange {
        String[] allGather(String message);
    }

    /** Thrown by the segment's sink to stop the loop at a synchronisation point. */
    private static final class SegmentEnd extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient TrainingState state;

        SegmentEnd(TrainingState state) {
            super(null, null, false, false);
            this.state = state;
        }
    }

    /**
     * @param seed the recipe's seed
     * @param task the task's index
     * @return the seed of that task's trainer (its data, noise, times)
     */
    static long taskSeed(long seed, int task) {
        return Rng.seeded(seed).split("spark-train").split(task).seed();
    }

    /**
     * One task: train in segments of {@code syncEvery} steps, averaging with the others after each.
     *
     * @param data the task's training distribution in the model's coordinates
     */
    static TaskResult runTask(Recipe recipe, Dataset data, int workers, int syncEvery, int task, Exchange exchange) {
        ModelSpec spec = recipe.model(data.dim());
        OptimizerSpec optimizer = recipe.optimizer();
        TrainingConfig config = recipe.perTask(workers);
        List<ModelWeights.Parameter> shapes = spec.parameterShapes();
        try (FmRuntime fm = FlowMatching.bootstrap(recipe.config())) {
            Trainer trainer = new Trainer(fm.backend(), fm.path(), fm.coupling(), fm.timeSampler(), data,
                    taskSeed(recipe.seed(), task));
            TrainableModel model = fm.newTrainableModel(spec, optimizer);
            try {
                TrainingState resume = null;
                while (true) {
                    Checkpointing segment = Checkpointing.every(syncEvery, (w, state) -> {
                        throw new SegmentEnd(state);
                    });
                    TrainingState reached = null;
                    TrainingResult done = null;
                    try {
                        done = trainer.train(model, config, null, List.of(),
                                resume == null ? segment : segment.resumingFrom(resume));
                    } catch (SegmentEnd end) {
                        reached = end.state;
                    }
                    OptimizerState opt = model.optimizerState();
                    float[] mine = flatten(model.weights(), opt);
                    double loss = done == null ? 0 : done.finalLoss();
                    String[] all = exchange.allGather(encode(loss, mine));
                    float[] mean = average(all, mine.length);
                    int n = mine.length / 3;
                    ModelWeights weights = unflatten(shapes, mean, 0);
                    if (done != null) {
                        double meanLoss = 0;
                        for (String m : all) {
                            meanLoss += Double.parseDouble(m.substring(0, m.indexOf(';'))) / all.length;
                        }
                        float[] w = flattenWeights(weights);
                        boolean first = task == 0;
                        return new TaskResult(task, data instanceof EmpiricalDataset e ? e.size() : 0, digest(w), meanLoss, first ? Components.of(fm) : null, first ? w : null);
                    }
                    OptimizerState averaged = new OptimizerState(opt.steps(), opt.learningRate(),
                            unflatten(shapes, mean, n), unflatten(shapes, mean, 2 * n));
                    TrainableModel next = fm.backend().newTrainableModel(spec, optimizer, weights);
                    model.close();
                    model = next;
                    resume = new TrainingState(reached.step(), reached.totalSteps(), reached.batch(), reached.streams(),
                            averaged, reached.losses(), reached.wallNanos(), reached.evaluations(),
                            reached.bestHeldOutLoss(), reached.bestWeights());
                }
            } finally {
                model.close();
            }
        }
    }

    /** The weights, then Adam's first moments, then its second moments, each in the model's order. */
    static float[] flatten(ModelWeights weights, OptimizerState optimizer) {
        float[] w = flattenWeights(weights);
        float[] m = flattenWeights(optimizer.firstMoments());
        float[] v = flattenWeights(optimizer.secondMoments());
        float[] out = Arrays.copyOf(w, w.length + m.length + v.length);
        System.arraycopy(m, 0, out, w.length, m.length);
        System.arraycopy(v, 0, out, w.length + m.length, v.length);
        return out;
    }

    /** @return the weights' values, one parameter after another in the model's order */
    static float[] flattenWeights(ModelWeights weights) {
        int size = 0;
        for (ModelWeights.Parameter p : weights.parameters()) {
            size += p.size();
        }
        float[] out = new float[size];
        int at = 0;
        for (ModelWeights.Parameter p : weights.parameters()) {
            float[] v = p.values();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** Parameters shaped as {@code shapes}, read from {@code flat} starting at {@code offset}. */
    static ModelWeights unflatten(List<ModelWeights.Parameter> shapes, float[] flat, int offset) {
        List<ModelWeights.Parameter> out = new ArrayList<>();
        int at = offset;
        for (ModelWeights.Parameter p : shapes) {
            out.add(new ModelWeights.Parameter(p.name(), p.shape(), Arrays.copyOfRange(flat, at,
                    at + p.size())));
            at += p.size();
        }
        return new ModelWeights(out);
    }

    /** {@code loss;base64(little-endian floats)}; the loss is the task's final loss after the last step, else 0. */
    static String encode(double loss, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return loss + ";" + Base64.getEncoder().encodeToString(b.array());
    }

    /** The inverse of {@link #encode}'s array part. */
    static float[] decode(String message, int length) {
        byte[] bytes = Base64.getDecoder().decode(message.substring(message.indexOf(';') + 1));
        if (bytes.length != length * Float.BYTES) {
            throw new IllegalStateException("a task sent " + bytes.length / Float.BYTES + " values, expected " + length);
        }
        float[] out = new float[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The elementwise mean of the tasks' arrays, summed in double in task order, so every task that
     * averages the same messages gets bitwise the same result.
     */
    static float[] average(String[] messages, int length) {
        double[] sum = new double[length];
        for (String m : messages) {
            float[] v = decode(m, length);
            for (int i = 0; i < length; i++) {
                sum[i] += v[i];
            }
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (sum[i] / messages.length);
        }
        return out;
    }

    /** @return the SHA-256 of the values' little-endian bytes, in hex */
    static String digest(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
