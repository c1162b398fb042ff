package org.fmjvm.examples.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until other processes leave the CPU alone before a timing section, the way the PyTorch
 * reference script does ({@code --wait-idle}): the machine-wide busy time from {@code /proc/stat}
 * minus this process's own CPU time, over a window, in cores. Linux only; elsewhere it returns at
 * once.
 */
final class IdleGate {
    private static final Logger LOG = LoggerFactory.getLogger(IdleGate.class);
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final double THRESHOLD_CORES = 0.25;
    private static final long WINDOW_MILLIS = 5_000;
    private static final double CLOCK_TICKS_PER_SECOND = 100;

    private IdleGate() {
    }

    /**
     * @param maxWaitSeconds how long to wait at most; 0 returns at once
     * @param what the section about to be timed, for the log
     * @return the other processes' load (cores) in the last window, or NaN if not measured
     */
    static double await(double maxWaitSeconds, String what) {
        if (maxWaitSeconds <= 0 || !Files.isReadable(PROC_STAT)) {
            return Double.NaN;
        }
        long deadline = System.nanoTime() + (long) (maxWaitSeconds * 1e9);
        boolean told = false;
        while (true) {
            double load = otherLoad();
            if (load < THRESHOLD_CORES || System.nanoTime() > deadline) {
                if (load >= THRESHOLD_CORES) {
                    LOG.warn(String.format(Locale.ROOT, "timing %s although other processes use %.2f cores", what, load));
                }
                return load;
            }
            if (!told) {
                LOG.info(String.format(Locale.ROOT, "waiting for an idle machine before %s (other processes use %.2f cores)",
                        what, load));
                told = true;
            }
        }
    }

    private static double otherLoad() {
        try {
            long[] before = busyAndTotal();
            long ownBefore = ownCpuNanos();
            long start = System.nanoTime();
            Thread.sleep(WINDOW_MILLIS);
            long[] after = busyAndTotal();
            double wall = (System.nanoTime() - start) / 1e9;
            double busy = (after[0] - before[0]) / CLOCK_TICKS_PER_SECOND;
            double own = (ownCpuNanos() - ownBefore) / 1e9;
            return Math.max(0, busy - own) / wall;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** @return {busy jiffies, total jiffies} of the first line of /proc/stat */
    private static long[] busyAndTotal() throws IOException {
        String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
        long total = 0;
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        for (int i = 1; i <= 8 && i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total - idle, total};
    }

    private static long ownCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }
}
