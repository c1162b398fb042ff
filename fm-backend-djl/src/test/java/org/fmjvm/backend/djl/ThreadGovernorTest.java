package org.fmjvm.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

import org.fmjvm.backend.djl.ThreadGovernor.Tuning;
import org.fmjvm.backend.djl.ThreadGovernor.Workload;
import org.junit.jupiter.api.Test;

/**
 * The adaptive thread policy on a fake clock: each simulated call advances the clock by a cost
 * that depends on the thread count the governor chose, so the tests script "idle" and "loaded"
 * machines exactly and check what the governor does, without timing anything real.
 */
class ThreadGovernorTest {
    private static final long MS = 1_000_000L;

    /** A clock the test advances by hand. */
    private static final class FakeClock implements LongSupplier {
        long now;

        @Override
        public long getAsLong() {
            return now;
        }
    }

    private final FakeClock clock = new FakeClock();
    /** The mechanics are tested with small, explicit knobs (the defaults only warm up longer). */
    private static final Tuning TUNING = new Tuning(4, 3, 5, 3, 64, 2048, 0.05, 1.3, 8);

    private final ThreadGovernor governor = ThreadGovernor.adaptive(2, clock, TUNING);

    /** One governed call costing {@code cost(threads)} nanoseconds; returns the thread count used. */
    private int call(Workload workload, int batch, IntToLongFunction cost) {
        try (ThreadGovernor.Call c = governor.begin(workload, batch)) {
            clock.now += cost.applyAsLong(c.threads());
            return c.threads();
        }
    }

    private int call(IntToLongFunction cost) {
        return call(Workload.TRAIN_STEP, 256, cost);
    }

    /** Runs {@code n} calls and returns how many used {@code threads}. */
    private int count(int n, int threads, IntToLongFunction cost) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (call(cost) == threads) {
                hits++;
            }
        }
        return hits;
    }

    private static IntToLongFunction costs(long oneThread, long twoThreads) {
        return n -> n == 1 ? oneThread : twoThreads;
    }

    @Test
    void exploitsTheFasterArmWhenTwoThreadsWin() {
        IntToLongFunction idle = costs(10 * MS, 6 * MS);
        count(20, 2, idle);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(2);
        assertThat(count(1000, 2, idle)).as("two-thread calls out of 1000").isGreaterThan(970);
    }

    @Test
    void exploitsTheFasterArmWhenOneThreadWins() {
        IntToLongFunction cost = costs(5 * MS, 9 * MS);
        count(20, 1, cost);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(1);
        assertThat(count(1000, 1, cost)).isGreaterThan(970);
    }

    @Test
    void warmUpCallsAreNotMeasured() {
        // the first calls of each arm are very slow (cold caches); only later calls count
        int[] calls = {0};
        IntToLongFunction cost = n -> ++calls[0] <= 4 && n == 2 ? 500 * MS : n == 1 ? 10 * MS : 6 * MS;
        count(30, 2, cost);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(2);
    }

    @Test
    void switchesToOneThreadWhenLoadMakesTwoThreadsSlow() {
        count(200, 2, costs(10 * MS, 6 * MS));
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(2);
        // another process starts: two OpenMP threads collapse, one thread slows down a little
        IntToLongFunction loaded = costs(12 * MS, 40 * MS);
        int switchedAfter = -1;
        for (int i = 1; i <= 30; i++) {
            call(loaded);
            if (governor.preferred(Workload.TRAIN_STEP, 256) == 1) {
                switchedAfter = i;
                break;
            }
        }
        assertThat(switchedAfter).as("calls until the switch (the probe interval is 64)").isBetween(1, 20);
        assertThat(count(500, 1, loaded)).as("one-thread calls under load").isGreaterThan(480);
    }

    @Test
    void switchesBackWhenTheLoadGoes() {
        count(200, 2, costs(10 * MS, 6 * MS));
        count(100, 1, costs(12 * MS, 40 * MS));
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(1);
        // load gone: the next scheduled probe finds two threads faster again. The switch to one
        // thread reset the interval to 64, and one probe lost during the loaded period, so the
        // interval is now 128: the switch back comes within 128 calls plus the probe.
        IntToLongFunction idle = costs(10 * MS, 6 * MS);
        int switchedAfter = -1;
        for (int i = 1; i <= 400; i++) {
            call(idle);
            if (governor.preferred(Workload.TRAIN_STEP, 256) == 2) {
                switchedAfter = i;
                break;
            }
        }
        assertThat(switchedAfter).isBetween(1, 128 + 3);
        assertThat(count(500, 2, idle)).isGreaterThan(480);
    }

    @Test
    void probesBackOffExponentiallyWhileTheyLose() {
        IntToLongFunction idle = costs(10 * MS, 6 * MS);
        List<Integer> probeStarts = new ArrayList<>();
        int previous = 2;
        for (int i = 0; i < 12_000; i++) {
            int threads = call(idle);
            if (i > 20 && threads == 1 && previous == 2) {
                probeStarts.add(i);
            }
            previous = threads;
        }
        List<Integer> gaps = new ArrayList<>();
        for (int k = 1; k < probeStarts.size(); k++) {
            gaps.add(probeStarts.get(k) - probeStarts.get(k - 1));
        }
        assertThat(gaps).as("gaps between probes").isSorted();
        assertThat(gaps.get(0)).isLessThan(200);
        assertThat(gaps.get(gaps.size() - 1)).isBetween(2048, 2048 + 10);
        assertThat(probeStarts.size()).as("probes in 12,000 calls").isBetween(6, 12);
    }

    @Test
    void singleSpikesDoNotCauseSwitches() {
        int[] i = {0};
        // two threads are faster, but every 7th call is a 100x outlier (a GC pause, say)
        IntToLongFunction spiky = n -> ++i[0] % 7 == 0 ? 600 * MS : n == 1 ? 10 * MS : 6 * MS;
        count(50, 2, spiky);
        assertThat(count(2000, 2, spiky)).isGreaterThan(1950);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(2);
    }

    @Test
    void workloadsAndBatchBucketsLearnSeparately() {
        IntToLongFunction smallTrain = costs(3 * MS, 2 * MS);
        IntToLongFunction bigForward = costs(30 * MS, 45 * MS);
        for (int i = 0; i < 100; i++) {
            call(Workload.TRAIN_STEP, 256, smallTrain);
            call(Workload.FORWARD, 10_000, bigForward);
            call(Workload.TRAIN_STEP, 4096, bigForward);
        }
        assertThat(governor.preferred(Workload.TRAIN_STEP, 256)).isEqualTo(2);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 200)).as("same bucket as 256").isEqualTo(2);
        assertThat(governor.preferred(Workload.FORWARD, 10_000)).isEqualTo(1);
        assertThat(governor.preferred(Workload.TRAIN_STEP, 4096)).isEqualTo(1);
        assertThat(governor.summary(Workload.FORWARD, 10_000)).contains("current 1 threads");
    }

    @Test
    void batchBucketsAreCeilLog2() {
        assertThat(ThreadGovernor.bucket(1)).isZero();
        assertThat(ThreadGovernor.bucket(2)).isEqualTo(1);
        assertThat(ThreadGovernor.bucket(3)).isEqualTo(2);
        assertThat(ThreadGovernor.bucket(256)).isEqualTo(8);
        assertThat(ThreadGovernor.bucket(257)).isEqualTo(9);
        assertThat(ThreadGovernor.bucket(10_000)).isEqualTo(14);
    }

    @Test
    void fixedGovernorNeverMeasures() {
        ThreadGovernor fixed = ThreadGovernor.fixed(3);
        for (int i = 0; i < 100; i++) {
            try (ThreadGovernor.Call c = fixed.begin(Workload.FORWARD, 100)) {
                assertThat(c.threads()).isEqualTo(3);
            }
        }
        assertThat(fixed.isAdaptive()).isFalse();
        assertThat(fixed.lightThreads()).isEqualTo(3);
        assertThat(fixed.describe()).isEqualTo("3");
        assertThatThrownBy(() -> ThreadGovernor.fixed(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneCoreMeansOneThread() {
        ThreadGovernor single = ThreadGovernor.adaptive(1, () -> {
            throw new AssertionError("a single-armed governor has nothing to measure");
        }, TUNING);
        for (int i = 0; i < 100; i++) {
            try (ThreadGovernor.Call c = single.begin(Workload.TRAIN_STEP, 256)) {
                assertThat(c.threads()).isEqualTo(1);
            }
        }
        assertThat(single.describe()).isEqualTo("auto (1..1)");
        assertThat(governor.describe()).isEqualTo("auto (1..2)");
        assertThat(governor.lightThreads()).isEqualTo(1);
    }
}
