package org.fmjvm.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;

/**
 * The tutorial's workloads on any backend, run for their results or timed: conditional flow
 * matching in two dimensions with {@code x0 ~ N(0, I)} and {@code x1 ~ N(shift, 0.25 I)} on the
 * straight-line (CondOT) path, and Euler sampling. Shared by {@link MemoryContract} and by the
 * tests and benchmarks that every backend runs alike (thread invariance, step timings), so that
 * they measure the same thing on every backend. Uses fm-api only.
 *
 * <p>Stateless and thread-safe; the tensors and models passed in follow their own confinement.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
public final class Workloads {
    /** The data dimension of every workload here. */
    public static final int DIM = 2;

    private Workloads() {
    }

    /**
     * A training batch on the CondOT path.
     *
     * @param t times, {@code [B, 1]}, uniform in [0, 1)
     * @param x0 source points, {@code [B, 2]}
     * @param xt points on the path, {@code t x1 + (1 - t) x0}, {@code [B, 2]}
     * @param dxt target velocities, {@code x1 - x0}, {@code [B, 2]}
     */
    public record Batch(Tensor t, Tensor x0, Tensor xt, Tensor dxt) {
    }

    /**
     * Draws a batch in the caller's current scope: {@code t}, then {@code x0}, then {@code x1},
     * from {@code rng}, so equal seeds give equal batches on every backend.
     *
     * @param backend where the tensors live
     * @param rng the generator to draw from
     * @param size the batch size {@code B}
     * @param shift the mean of every coordinate of {@code x1}
     * @return the batch
     */
    public static Batch batch(Backend backend, Rng rng, int size, double shift) {
        Tensor t = backend.rand(rng, size, 1);
        Tensor x0 = backend.randn(rng, size, DIM);
        Tensor x1 = backend.randn(rng, size, DIM).mul(0.5).add(shift);
        return new Batch(t, x0, x1.mul(t).add(x0.mul(t.rsub(1))), x1.sub(x0));
    }

    /**
     * Trains a fresh model from {@code w0} with Adam (learning rate 1e-3) and global-norm gradient
     * clipping at 1 (a full reduction, which engines may split between threads), one scope per
     * step, on batches with {@code shift} 3 drawn from seed 7.
     *
     * @param backend the backend
     * @param spec the architecture, of dimension 2
     * @param w0 the initial weights
     * @param batch the batch size
     * @param steps how many steps
     * @return every step's loss, then the final weights: equal lists mean bitwise-equal training
     */
    public static List<Object> train(Backend backend, ModelSpec spec, ModelWeights w0, int batch, int steps) {
        List<Object> out = new ArrayList<>();
        Rng data = Rng.seeded(7);
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3).withMaxGradNorm(1.0),
                w0)) {
            for (int s = 0; s < steps; s++) {
                try (TensorScope scope = backend.openScope()) {
                    Batch b = batch(backend, data, batch, 3);
                    out.add(model.trainStep(b.t(), b.xt(), b.dxt()));
                }
            }
            out.add(model.weights());
        }
        return out;
    }

    /**
     * One training step on a fresh batch ({@code shift} 2), in its own scope.
     *
     * @param backend the model's backend
     * @param model the model
     * @param rng the generator to draw the batch from
     * @param batch the batch size
     * @return the wall time of {@link TrainableModel#trainStep} alone, in milliseconds
     */
    public static double trainStepMillis(Backend backend, TrainableModel model, Rng rng, int batch) {
        try (TensorScope scope = backend.openScope()) {
            Batch b = batch(backend, rng, batch, 2);
            long start = System.nanoTime();
            model.trainStep(b.t(), b.xt(), b.dxt());
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /**
     * Times the velocity forward pass of a model at {@code t = 0.5}, including the copy of the
     * result to the host, after 5 untimed passes.
     *
     * @param backend the backend
     * @param spec the architecture, of dimension 2
     * @param w0 the weights
     * @param rows the batch size
     * @param reps how many timed passes
     * @return each timed pass's wall time, in milliseconds
     */
    public static double[] forwardMillis(Backend backend, ModelSpec spec, ModelWeights w0, int rows, int reps) {
        double[] ms = new double[reps];
        try (TrainableModel model = backend.newTrainableModel(spec, OptimizerSpec.adam(1e-3), w0);
                TensorScope outer = backend.openScope()) {
            Tensor x = backend.randn(Rng.seeded(4), rows, DIM);
            Tensor t = backend.full(0.5, rows, 1);
            for (int i = -5; i < reps; i++) {
                try (TensorScope scope = backend.openScope()) {
                    long start = System.nanoTime();
                    model.velocity(t, x).toFloatArray();
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        return ms;
    }

    /**
     * Samples by Euler's method, {@code x += h v(t, x)} from {@code t = 0} to 1, one scope per step.
     *
     * @param backend the backend
     * @param spec the architecture, of dimension 2
     * @param w0 the weights
     * @param rows how many points
     * @param steps how many Euler steps
     * @return the wall time, in seconds, including the copy of the samples to the host
     */
    public static double eulerSeconds(Backend backend, ModelSpec spec, ModelWeights w0, int rows, int steps) {
        try (VelocityModel model = backend.newModel(spec, w0); TensorScope outer = backend.openScope()) {
            Tensor x = backend.randn(Rng.seeded(5), rows, DIM);
            long start = System.nanoTime();
            double h = 1.0 / steps;
            for (int k = 0; k < steps; k++) {
                try (TensorScope step = backend.openScope()) {
                    Tensor next = x.add(model.velocity(k * h, x).mul(h));
                    Tensor old = x;
                    x = step.keep(next);
                    old.close();
                }
            }
            x.toFloatArray();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /**
     * @param values measurements (not modified)
     * @param p the percentile, 0 to 100
     * @return the smallest value with at least {@code p}% of the values below it (nearest rank)
     */
    public static double percentile(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p / 100.0 * s.length))];
    }

    /**
     * @param values measurements
     * @return their mean, NaN if there are none
     */
    public static double mean(double[] values) {
        return Checks.mean(values);
    }
}
