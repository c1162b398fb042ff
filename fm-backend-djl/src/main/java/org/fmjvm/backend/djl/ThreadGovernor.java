package org.fmjvm.backend.djl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Chooses how many native (OpenMP) threads each heavy call runs with, by measuring.
 *
 * <p>On a small machine two intra-op threads are faster than one when the machine is idle but
 * collapse when another process competes for the cores (OpenMP spin-waits), while one thread
 * degrades gracefully. No fixed choice is right, so in {@linkplain #adaptive adaptive} mode the
 * governor runs a small two-armed bandit per workload: a workload is an operation kind and a batch
 * bucket {@code ceil(log2 B)}; the arms are 1 thread and {@code N} threads.
 *
 * <ol>
 *   <li><b>Warm-up:</b> the first {@code warmupCalls} calls alternate the arms and are not
 *       measured (allocator and thread-pool start-up).
 *   <li><b>Exploration:</b> the arms alternate until each has {@code minSamples} measured calls;
 *       then the arm with the lower median wall time becomes current.
 *   <li><b>Exploitation with probes:</b> the current arm runs; every {@code interval} calls the
 *       other arm is probed for {@code probeLength} calls (its sample window is cleared first so
 *       the probe measures today's conditions). If the probe's median beats the current arm's
 *       recent median by {@code winMargin}, the governor switches and resets the interval to
 *       {@code initialInterval}; otherwise the interval doubles, up to {@code maxInterval}.
 *   <li><b>Degradation:</b> if the current arm's recent median exceeds the other arm's last known
 *       median by the factor {@code degradeFactor} (another process started), the other arm is
 *       probed at once instead of waiting for the interval.
 * </ol>
 *
 * <p>Results do not depend on the arm: matrix products run in MKL's strict reproducibility mode
 * (bitwise-identical for any thread count on its AVX2 and AVX-512 code branches), the other kernels
 * the models use are elementwise or reduce each output on one thread, and the two full reductions
 * of a training step (the loss mean and the clipping norm) run on one thread.
 * {@code ThreadInvarianceTest} checks bitwise-identical training and inference for 1 and 2 threads,
 * with the CPU's own kernels and with MKL and ATen limited to AVX2, so the choice only affects speed. Call timings are wall-clock, so a busy
 * JVM (GC, other threads) counts as load; medians over small windows keep single outliers from
 * causing switches.
 *
 * <p>In {@linkplain #fixed fixed} mode every call gets the same count and nothing is measured.
 *
 * <p>Thread-safe: calls on several threads share the statistics of a workload.
 */
final class ThreadGovernor {

    /** The kinds of heavy calls the governor tells apart. */
    enum Workload {
        /** Forward, loss, backward and optimizer update. */
        TRAIN_STEP,
        /** The training loss without an update. */
        LOSS,
        /** The velocity forward pass. */
        FORWARD,
        /** Exact divergence, one backward pass per dimension. */
        DIVERGENCE,
        /** Hutchinson's estimate, one backward pass. */
        DIVERGENCE_ESTIMATE
    }

    /**
     * The knobs of the adaptive policy.
     *
     * @param warmupCalls unmeasured calls at the start of each workload, alternating arms
     * @param minSamples measured calls per arm before the first decision
     * @param window recent samples per arm whose median is compared
     * @param probeLength calls per probe of the other arm
     * @param initialInterval calls between probes after a switch
     * @param maxInterval the longest interval between probes
     * @param winMargin a probe wins if its median is below {@code (1 - winMargin)} times the current one
     * @param degradeFactor probe at once when the current median exceeds the other arm's by this factor
     * @param minGap at least this many calls between two probes triggered by degradation
     */
    record Tuning(int warmupCalls, int minSamples, int window, int probeLength, int initialInterval, int maxInterval,
            double winMargin, double degradeFactor, int minGap) {

        /** Validates. */
        Tuning {
            if (warmupCalls < 0 || minSamples < 1 || window < minSamples || probeLength < 1 || probeLength > window
                    || initialInterval < 1 || maxInterval < initialInterval || winMargin < 0 || winMargin >= 1
                    || degradeFactor <= 1 || minGap < 0) {
                throw new IllegalArgumentException("inconsistent governor tuning " + this);
            }
        }

        /**
         * @return the defaults: 16 warm-up calls (the JIT is still compiling the Java side of a step),
         *     5 samples per arm, window 7, probes of 5 calls every 32..2048 calls
         */
        static Tuning defaults() {
            return new Tuning(16, 5, 7, 5, 32, 2048, 0.05, 1.3, 8);
        }
    }

    private final int[] arms;
    private final LongSupplier clock;
    private final Tuning tuning;
    private final boolean adaptive;
    private final boolean auto;
    private final ConcurrentHashMap<Long, State> states = new ConcurrentHashMap<>();

    private ThreadGovernor(int[] arms, LongSupplier clock, Tuning tuning, boolean auto) {
        this.arms = arms;
        this.clock = clock;
        this.tuning = tuning;
        this.auto = auto;
        this.adaptive = auto && arms.length > 1;
    }

    /**
     * @param maxThreads the many-thread arm ({@code >= 1}); with 1 there is nothing to choose
     * @param clock a nanosecond clock, {@code System::nanoTime} outside tests
     * @param tuning the policy's knobs
     * @return an adaptive governor choosing between 1 and {@code maxThreads} threads
     */
    static ThreadGovernor adaptive(int maxThreads, LongSupplier clock, Tuning tuning) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be >= 1, got " + maxThreads);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(tuning, "tuning");
        int[] arms = maxThreads == 1 ? new int[] {1} : new int[] {1, maxThreads};
        return new ThreadGovernor(arms, clock, tuning, true);
    }

    /**
     * @param threads the count every call gets, {@code >= 1}
     * @return a governor that always answers {@code threads}
     */
    static ThreadGovernor fixed(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new ThreadGovernor(new int[] {threads}, () -> 0L, Tuning.defaults(), false);
    }

    /** @return whether calls are measured and the count adapts */
    boolean isAdaptive() {
        return adaptive;
    }

    /** @return the smallest count this governor may choose */
    int minThreads() {
        return arms[0];
    }

    /** @return the largest count this governor may choose */
    int maxThreads() {
        return arms[arms.length - 1];
    }

    /**
     * @return the thread count for light work that is not governed (single tensor operations): the
     *     fixed count, or 1 in adaptive mode (such operations are too small to profit from more)
     */
    int lightThreads() {
        return adaptive ? 1 : arms[0];
    }

    /** @return e.g. {@code auto (1..2)} or {@code 1} */
    String describe() {
        return auto ? "auto (" + arms[0] + ".." + arms[arms.length - 1] + ")" : Integer.toString(arms[0]);
    }

    /**
     * Starts one governed call. Use with try-with-resources around the native work; the wall time
     * is measured from here to {@link Call#close()}.
     *
     * @param workload the kind of call
     * @param batch the batch size (rows)
     * @return the call, whose {@link Call#threads()} is the count to run with
     */
    Call begin(Workload workload, int batch) {
        if (!adaptive) {
            return new Call(null, 0, arms[0], false, 0L);
        }
        State state = states.computeIfAbsent(key(workload, batch), k -> new State());
        int arm;
        boolean measured;
        synchronized (state) {
            arm = state.choose();
            measured = state.lastChoiceMeasured;
        }
        return new Call(state, arm, arms[arm], measured, measured ? clock.getAsLong() : 0L);
    }

    /**
     * @param workload the kind of call
     * @param batch the batch size
     * @return the thread count the workload currently exploits (before any decision: the first arm)
     */
    int preferred(Workload workload, int batch) {
        if (!adaptive) {
            return arms[0];
        }
        State state = states.get(key(workload, batch));
        if (state == null) {
            return arms[0];
        }
        synchronized (state) {
            return arms[state.current];
        }
    }

    /**
     * @param workload the kind of call
     * @param batch the batch size
     * @return a one-line summary of the workload's statistics, for logs and tests
     */
    String summary(Workload workload, int batch) {
        State state = states.get(key(workload, batch));
        if (state == null) {
            return workload + " b" + bucket(batch) + ": no calls";
        }
        synchronized (state) {
            return String.format(Locale.ROOT, "%s b%d: phase %s, current %d threads, interval %d, medians %s",
                    workload, bucket(batch), state.phase, arms[state.current], state.interval,
                    Arrays.toString(state.lastKnown));
        }
    }

    static int bucket(int batch) {
        return batch <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(batch - 1);
    }

    private static long key(Workload workload, int batch) {
        return ((long) workload.ordinal() << 32) | bucket(batch);
    }

    /** One governed call; closing it records the wall time. Not thread-safe; use on one thread. */
    final class Call implements AutoCloseable {
        private final State state;
        private final int arm;
        private final int threads;
        private final boolean measured;
        private final long start;
        private boolean closed;

        private Call(State state, int arm, int threads, boolean measured, long start) {
            this.state = state;
            this.arm = arm;
            this.threads = threads;
            this.measured = measured;
            this.start = start;
        }

        /** @return how many native threads to run this call with */
        int threads() {
            return threads;
        }

        /** Records the call's wall time (once). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (state != null && measured) {
                long elapsed = clock.getAsLong() - start;
                synchronized (state) {
                    state.record(arm, elapsed);
                }
            }
        }
    }

    private enum Phase { WARMUP, EXPLORE, EXPLOIT, PROBE }

    /** Arm statistics; every access is synchronized on the owning State. */
    private static final class Arm {
        final long[] ring;
        int count;
        int next;

        Arm(int window) {
            ring = new long[window];
        }

        void add(long nanos) {
            ring[next] = nanos;
            next = (next + 1) % ring.length;
            count = Math.min(count + 1, ring.length);
        }

        void clear() {
            count = 0;
            next = 0;
        }

        /** Median of the most recent {@code n} samples (or all if fewer). */
        double median(int n) {
            int k = Math.min(n, count);
            long[] recent = new long[k];
            for (int i = 0; i < k; i++) {
                recent[i] = ring[Math.floorMod(next - 1 - i, ring.length)];
            }
            Arrays.sort(recent);
            return k % 2 == 1 ? recent[k / 2] : (recent[k / 2 - 1] + recent[k / 2]) / 2.0;
        }
    }

    /** Per-workload state machine. Guarded by its own monitor. */
    private final class State {
        final Arm[] stats = {new Arm(tuning.window()), new Arm(tuning.window())};
        final double[] lastKnown = {Double.NaN, Double.NaN};
        Phase phase = tuning.warmupCalls() > 0 ? Phase.WARMUP : Phase.EXPLORE;
        int begun;
        int current;
        int interval = tuning.initialInterval();
        int sinceProbe;
        int probeArm;
        int probeIssued;
        int probeRecorded;
        boolean lastChoiceMeasured;
        int exploreNext;

        int choose() {
            begun++;
            switch (phase) {
                case WARMUP: {
                    lastChoiceMeasured = false;
                    int arm = (begun - 1) % 2;
                    if (begun >= tuning.warmupCalls()) {
                        phase = Phase.EXPLORE;
                    }
                    return arm;
                }
                case EXPLORE: {
                    lastChoiceMeasured = true;
                    int arm = exploreNext;
                    exploreNext = 1 - exploreNext;
                    return arm;
                }
                case PROBE: {
                    lastChoiceMeasured = true;
                    if (probeIssued < tuning.probeLength()) {
                        probeIssued++;
                        return probeArm;
                    }
                    return current;
                }
                case EXPLOIT:
                default: {
                    lastChoiceMeasured = true;
                    sinceProbe++;
                    if (sinceProbe >= interval || degraded()) {
                        startProbe();
                        probeIssued = 1;
                        return probeArm;
                    }
                    return current;
                }
            }
        }

        private boolean degraded() {
            int other = 1 - current;
            Arm cur = stats[current];
            if (Double.isNaN(lastKnown[other]) || cur.count < tuning.minSamples() || sinceProbe < tuning.minGap()) {
                return false;
            }
            return cur.median(tuning.window()) > lastKnown[other] * tuning.degradeFactor();
        }

        private void startProbe() {
            phase = Phase.PROBE;
            probeArm = 1 - current;
            probeIssued = 0;
            probeRecorded = 0;
            stats[probeArm].clear();
        }

        void record(int arm, long nanos) {
            stats[arm].add(nanos);
            if (phase == Phase.EXPLORE) {
                if (stats[0].count >= tuning.minSamples() && stats[1].count >= tuning.minSamples()) {
                    lastKnown[0] = stats[0].median(tuning.window());
                    lastKnown[1] = stats[1].median(tuning.window());
                    current = lastKnown[1] < lastKnown[0] ? 1 : 0;
                    phase = Phase.EXPLOIT;
                    sinceProbe = 0;
                }
            } else if (phase == Phase.PROBE && arm == probeArm) {
                probeRecorded++;
                if (probeRecorded >= tuning.probeLength()) {
                    double probe = stats[probeArm].median(tuning.probeLength());
                    double mine = stats[current].count > 0 ? stats[current].median(tuning.window()) : lastKnown[current];
                    lastKnown[probeArm] = probe;
                    lastKnown[current] = mine;
                    if (probe < mine * (1 - tuning.winMargin())) {
                        current = probeArm;
                        interval = tuning.initialInterval();
                    } else {
                        interval = (int) Math.min((long) interval * 2, tuning.maxInterval());
                    }
                    sinceProbe = 0;
                    phase = Phase.EXPLOIT;
                }
            }
        }
    }
}
