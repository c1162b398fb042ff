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

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.ResourceLimits;
import org.fmjvm.core.coupling.MinibatchOtCoupling;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.sample.Sampler;
import org.fmjvm.core.train.TrainingConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm bench}: the tutorial recipe's speed on the chosen backend, next to the plain-PyTorch
 * baseline of {@code bench/pytorch_reference.py}: median training-step time at batch 256 and 4096
 * (batch creation, path, forward, backward and Adam, as the baseline times it) and Euler-100
 * sampling throughput on 10,000 points. {@code bench/compare.sh} runs both in one session.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time training steps (batch 256 and 4096) and Euler-100 sampling, next to plain PyTorch.",
            "bench/compare.sh runs bench/pytorch_reference.py and this command in one session (see bench/README.md)."})
final class BenchCommand implements Callable<Integer> {

    /**
     * What bench/pytorch_reference.py measured on the machine bench/README.md names, with PyTorch's
     * default thread count and with one thread: {batch 256 ms, batch 4096 ms, samples/s}.
     */
    private static final double[] PUBLISHED_DEFAULT_THREADS = {2.20, 27.04, 4506};
    private static final double[] PUBLISHED_ONE_THREAD = {2.30, 27.35, 4286};
    private static final int PUBLISHED_THREADS = 1;
    private static final String PUBLISHED_WHERE = "2-core AMD EPYC with AVX-512, Debian's PyTorch 1.13 on OpenBLAS, 2026-11-29";

    @Mixin
    ComponentOptions components;

    @Option(names = "--reference", paramLabel = "FILE",
            description = "results.json written by bench/pytorch_reference.py in this session (bench/compare.sh does"
                    + " both); without it the numbers published in bench/README.md are shown.")
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
                    + " PyTorch script does (default: ${DEFAULT-VALUE}: don't wait).")
    double waitIdle;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Untimed pairings first: training pairs thousands of batches, so the steady state is what counts. */
    private static final int PAIRING_WARMUP = 40;

    private static int pairingRepeats(int batch) {
        return batch >= 1024 ? 11 : 21;
    }

    /**
     * The median wall time of one {@code minibatch-ot} pairing of a batch of standard-normal noise
     * with four-Gaussian data, as training does it (cost matrix, exact assignment, gather), after
     * {@value #PAIRING_WARMUP} untimed pairings.
     */
    private static double pairingMillis(FmRuntime fm, int batch) {
        Coupling ot = new MinibatchOtCoupling();
        Backend b = fm.backend();
        int repeats = pairingRepeats(batch);
        long[] nanos = new long[repeats];
        for (int r = -PAIRING_WARMUP; r < repeats; r++) {
            Rng rng = Rng.seeded(1_000 + r);
            try (TensorScope scope = b.openScope()) {
                Tensor x0 = b.fromArray(new GaussianSource(2).sample(batch, rng.split("x0")), batch, 2);
                Tensor x1 = b.fromArray(GaussianMixture.fourGaussians().sample(batch, rng.split("x1")), batch, 2);
                long start = System.nanoTime();
                ot.pair(x0, x1, rng).x1().toFloatArray();
                if (r >= 0) {
                    nanos[r] = System.nanoTime() - start;
                }
            }
        }
        java.util.Arrays.sort(nanos);
        return nanos[repeats / 2] / 1e6;
    }

    @Override
    public Integer call() throws IOException {
        if (steps < 10 || samples < 1 || odeSteps < 1 || repeats < 1) {
            throw new ConfigurationException("--steps must be >= 10 and --samples, --ode-steps, --repeats >= 1");
        }
        if (json != null) {
            OutputPaths.requireWritableFile(json, "--json");
        }
        // the benchmark trains mlp(2) at batch 4096 with the chosen coupling and holds --samples points twice
        ResourceLimits limits = ResourceLimits.ofThisJvm();
        limits.checkTraining(ModelSpec.mlp(2), 4096, ResourceLimits.isPairwise(components.config().coupling().name()),
                "the benchmark's batch");
        limits.checkPoints(samples, 2, 4, "--samples");
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
            out.printf(Locale.ROOT, "%-28s %14s %16s %9s %16s %9s%n", "", "fm",
                    "torch (" + ref.threads + (ref.threads == 1 ? " thread)" : " threads)"), "speedup",
                    "torch (1 thread)", "speedup");
            String[] rows = {"train step, batch 256", "train step, batch 4096",
                "Euler-" + odeSteps + ", " + samples + " points"};
            String[] keys = {"train_step_256", "train_step_4096", "sampling"};
            for (int i = 0; i < 3; i++) {
                boolean time = i < 2;
                String unit = time ? " ms" : " /s";
                out.printf(Locale.ROOT, "%-28s %14s %16s %9s %16s %9s%n", rows[i], fmt(ours[i], time) + unit,
                        fmt(ref.defaultThreads[i], time) + unit, speedup(ours[i], ref.defaultThreads[i], time),
                        fmt(ref.oneThread[i], time) + unit, speedup(ours[i], ref.oneThread[i], time));
                result.put("speedup_" + keys[i] + "_vs_torch_default_threads",
                        ratio(ours[i], ref.defaultThreads[i], time));
                result.put("speedup_" + keys[i] + "_vs_torch_1_thread", ratio(ours[i], ref.oneThread[i], time));
            }
            out.println("(speedup > 1: fm is faster; plain PyTorch: " + ref.label + ")");
            IdleGate.await(waitIdle, "minibatch-OT pairing timing");
            for (int batch : new int[] {256, 1024}) {
                double ms = pairingMillis(fm, batch);
                result.put("minibatch_ot_pairing_" + batch + "_median_ms", ms);
                out.printf(Locale.ROOT, "%-28s %11.2f ms   (exact assignment on squared distances, median of %d)%n",
                        "minibatch-ot pairing, " + batch, ms, pairingRepeats(batch));
            }
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

    /**
     * The plain-PyTorch timings to compare with: {batch 256 ms, batch 4096 ms, samples/s}, with
     * PyTorch's default thread count ({@code threads}) and with one thread.
     */
    private record Reference(String label, int threads, double[] defaultThreads, double[] oneThread) {

        static Reference published() {
            return new Reference("bench/README.md's published numbers, " + PUBLISHED_WHERE + " (not measured in this"
                    + " session: run bench/compare.sh for a fair ratio)", PUBLISHED_THREADS, PUBLISHED_DEFAULT_THREADS,
                    PUBLISHED_ONE_THREAD);
        }

        static Reference read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new DataException("no PyTorch results at " + file
                        + "; run bench/pytorch_reference.py --out DIR and pass DIR/results.json");
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
                return new Reference(file + " (" + threads + (threads == 1 ? " thread" : " threads")
                        + ", and its 1-thread supplement)", threads, main, single);
            } catch (IOException e) {
                throw new DataException("cannot read PyTorch results " + file + ": " + e.getMessage(), e);
            }
        }

        private static double number(JsonNode node, Path file, String... path) {
            JsonNode n = node;
            for (String p : path) {
                n = n.path(p);
            }
            if (!n.isNumber()) {
                throw new DataException("PyTorch results " + file + " lack " + String.join(".", path)
                        + "; is it the results.json of bench/pytorch_reference.py?");
            }
            return n.asDouble();
        }
    }
}
