package org.fmjvm.api.solver;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * A {@link StepHandler} that copies every state it is shown to the host as float32, building the
 * {@link Trajectory} that {@link SolveOptions#withTrajectory()} asks for. One per solve; not
 * thread-safe.
 */
public final class TrajectoryRecorder implements StepHandler {

    private final int rows;
    private final int dim;
    private final List<Double> times = new ArrayList<>();
    private final List<float[]> states = new ArrayList<>();

    /**
     * @param rows {@code B}
     * @param dim {@code D}
     */
    public TrajectoryRecorder(int rows, int dim) {
        this.rows = rows;
        this.dim = dim;
    }

    @Override
    public void handle(double t, Tensor x) {
        times.add(t);
        states.add(x.toFloatArray());
    }

    /**
     * @param t the time
     * @param x the state, {@code rows * dim} values, row-major (copied)
     */
    public void handle(double t, double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) x[i];
        }
        times.add(t);
        states.add(f);
    }

    /** @return the states recorded so far */
    public Trajectory trajectory() {
        return new Trajectory(times.stream().mapToDouble(Double::doubleValue).toArray(), states, rows, dim);
    }
}
