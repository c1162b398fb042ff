package org.fmjvm.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.sample.Sampler;
import org.fmjvm.core.train.TrainingConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm bench}: the tutorial recipe's speed on the chosen backend, next to the plain-PyTorch
 * reference: median training-step time at batch 256 and 4096 (batch creation, path, forward,
 * backward and Adam, as the reference times it) and Euler-100 sampling throughput on 10,000 points.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps (batch 256 and 4096) and Euler-100 sampling, next to the PyTorch reference.")
final class BenchCommand implements Callable<Integer> {

    /** The reference's numbers as published in the project's issue (2 threads) and its README (1 thread). */
    private static final double[] PUBLISHED_TWO_THREADS = {4.2, 56, 1970};
    private static final double[] PUBLISHED_ONE_THREAD = {3.5, 33, 3821};

    @Mixin
    ComponentOptions components;

    @Option(names = "--reference", paramLabel = "FILE",
            description = "results.json of the PyTorch reference run in this session (see shared/reference/README.md);"
                    + " without it the published reference numbers are shown.")
    Path reference;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "400",
            description = "Timed steps at batch 256; batch 4096 takes a fifth as many (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000", description = "Points sampled (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "100", description = "Euler steps (default: ${DEFAULT-VALUE}).")
    int odeSteps;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "3", description = "Sampling repeats, median taken (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the measurements as JSON.")
    Path json;

    @Option(names = "--wait-idle", paramLabel = "SECONDS", defaultValue = "0",
            description = "Before each timing section wait up to SECONDS until other processes use < 0.25 cores, as the"
                    + " reference script does (default: ${DEFAULT-VALUE}: don't wait).")
    double waitIdle;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (steps < 10 || samples < 1 || odeSteps < 1 || repeats < 1) {
            throw new ConfigurationException("--steps must be >= 10 and --samples, --ode-steps, --repeats >= 1");
        }
        Reference ref = reference == null ? Reference.published() : Reference.read(reference);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> result = new LinkedHashMap<>();
        try (FmRuntime fm = FlowMatching.bootstrap(components.config().withSolver(org.fmjvm.core.ComponentChoice.of("euler")))) {
            out.println("backend: " + fm.backend().description());
            out.flush();
            IdleGate.await(waitIdle, "train-step timing, batch 256");
            double ms256 = trainStepMillis(fm, 256, steps, 100);
            IdleGate.await(waitIdle, "train-step timing, batch 4096");
            double ms4096 = trainStepMillis(fm, 4096, Math.max(10, steps / 5), 40);
            IdleGate.await(waitIdle, "sampling timing");
            double perSecond = samplesPerSecond(fm);
            result.put("backend", fm.backend().description());
            result.put("train_step_256_median_ms", ms256);
            result.put("train_step_4096_median_ms", ms4096);
            result.put("euler" + odeSteps + "_samples_per_s", perSecond);
            result.put("reference", ref.label);
            double[] ours = {ms256, ms4096, perSecond};
            out.println();
            out.printf(Locale.ROOT, "%-28s %14s %16s %9s %16s %9s%n", "", "fm", "ref (2 threads)", "speedup",
                    "ref (1 thread)", "speedup");
            String[] rows = {"train step, batch 256", "train step, batch 4096",
                "Euler-" + odeSteps + ", " + samples + " points"};
            String[] keys = {"train_step_256", "train_step_4096", "sampling"};
            for (int i = 0; i < 3; i++) {
                boolean time = i < 2;
                String unit = time ? " ms" : " /s";
                out.printf(Locale.ROOT, "%-28s %14s %16s %9s %16s %9s%n", rows[i], fmt(ours[i], time) + unit,
                        fmt(ref.twoThreads[i], time) + unit, speedup(ours[i], ref.twoThreads[i], time),
                        fmt(ref.oneThread[i], time) + unit, speedup(ours[i], ref.oneThread[i], time));
                result.put("speedup_" + keys[i] + "_vs_reference_2_threads", ratio(ours[i], ref.twoThreads[i], time));
                result.put("speedup_" + keys[i] + "_vs_reference_1_thread", ratio(ours[i], ref.oneThread[i], time));
            }
            out.println("(speedup > 1: fm is faster; reference: " + ref.label + ")");
            out.flush();
        }
        if (json != null) {
            AtomicFiles.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        }
        return 0;
    }

    private static String fmt(double v, boolean time) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, time ? "%.2f" : "%.0f", v);
    }

    private static double ratio(double ours, double ref, boolean time) {
        return time ? ref / ours : ours / ref;
    }

    private static String speedup(double ours, double ref, boolean time) {
        double r = ratio(ours, ref, time);
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
    }

    private double trainStepMillis(FmRuntime fm, int batch, int timed, int warmup) {
        StepClock clock = new StepClock();
        try (TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e-3))) {
            fm.trainer(GaussianMixture.fourGaussians()).train(model, new TrainingConfig(warmup + timed, batch),
                    List.of(clock));
        }
        return clock.medianMillis(warmup);
    }

    private double samplesPerSecond(FmRuntime fm) {
        ModelSpec spec = ModelSpec.mlp(2);
        try (var model = fm.loadModel(spec, spec.initialWeights(fm.rng().split("init")))) {
            Sampler sampler = fm.sampler(model);
            float[] noise = sampler.noise(samples, fm.rng().split("bench-noise"));
            sampler.generate(Arrays.copyOf(noise, Math.min(samples, 1000) * 2), Math.min(samples, 1000),
                    SolveOptions.steps(5)); // warm-up
            double[] seconds = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                sampler.generate(noise, samples, SolveOptions.steps(odeSteps));
                seconds[r] = (System.nanoTime() - t0) / 1e9;
            }
            return samples / StepClock.median(seconds);
        }
    }

    /** The reference timings to compare with: {batch 256 ms, batch 4096 ms, samples/s}. */
    private record Reference(String label, double[] twoThreads, double[] oneThread) {

        static Reference published() {
            return new Reference("published numbers (not measured in this session; pass --reference FILE for a fair ratio)",
                    PUBLISHED_TWO_THREADS, PUBLISHED_ONE_THREAD);
        }

        static Reference read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new DataException("no reference results at " + file
                        + "; run shared/reference/fm_reference.py --out DIR and pass DIR/results.json");
            }
            try {
                JsonNode root = new ObjectMapper().readTree(file.toFile());
                JsonNode t = root.path("timing");
                JsonNode one = root.path("timing_supplementary_1thread");
                int threads = root.path("environment").path("torch_num_threads").asInt(2);
                double[] main = {number(t, file, "train_step", "256", "median_ms"),
                    number(t, file, "train_step", "4096", "median_ms"),
                    number(t, file, "sampling_euler100", "samples_per_s")};
                double[] single = one.isMissingNode() ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                        : new double[] {number(one, file, "train_step", "256", "median_ms"),
                            number(one, file, "train_step", "4096", "median_ms"),
                            number(one, file, "sampling_euler100", "samples_per_s")};
                return new Reference(file + " (" + threads + " threads, and its 1-thread supplement)", main, single);
            } catch (IOException e) {
                throw new DataException("cannot read reference results " + file + ": " + e.getMessage(), e);
            }
        }

        private static double number(JsonNode node, Path file, String... path) {
            JsonNode n = node;
            for (String p : path) {
                n = n.path(p);
            }
            if (!n.isNumber()) {
                throw new DataException("reference results " + file + " lack timing." + String.join(".", path)
                        + "; is it the results.json of fm_reference.py?");
            }
            return n.asDouble();
        }
    }
}
