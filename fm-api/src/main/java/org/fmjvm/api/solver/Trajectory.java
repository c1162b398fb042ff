package org.fmjvm.api.solver;

import java.util.List;

import org.fmjvm.api.Shapes;

/**
 * States recorded at every solver step, copied to the host.
 *
 * @param times the times, starting with {@code t0} and ending with {@code t1}
 * @param states {@code states.get(k)} is the {@code [rows, dim]} state at {@code times[k]}, row-major
 * @param rows {@code B}
 * @param dim {@code D}
 */
public record Trajectory(double[] times, List<float[]> states, int rows, int dim) {
    /** Checks the sizes agree and copies. */
    public Trajectory {
        times = times.clone();
        states = List.copyOf(states);
        if (times.length != states.size()) {
            throw new IllegalArgumentException(times.length + " times but " + states.size() + " states");
        }
        for (float[] s : states) {
            if (s.length != Shapes.size(rows, dim)) {
                throw new IllegalArgumentException("a state has " + s.length + " values, expected " + rows + " x " + dim);
            }
        }
    }

    @Override
    public double[] times() {
        return times.clone();
    }

    /** @return the number of recorded times */
    public int length() {
        return times.length;
    }

    /**
     * @param k index into {@link #times()}
     * @return the time of the k-th state
     */
    public double time(int k) {
        return times[k];
    }
}
