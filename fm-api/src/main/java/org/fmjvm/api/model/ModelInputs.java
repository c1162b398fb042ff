package org.fmjvm.api.model;

import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;

/**
 * The argument checks of {@link VelocityModel} and {@link TrainableModel} calls, for backend
 * implementors: every backend runs them in Java before any native work, so a wrong shape or dtype
 * fails the same way on every backend, as a {@link org.fmjvm.api.error.ShapeMismatchException}
 * naming the expected and the actual shape ({@code t must have shape [256, 1], got [256]}) or an
 * {@link IllegalArgumentException} saying how to convert.
 *
 * <p>Shapes, for a model of data dimension {@code D = spec.dim()} and a batch of {@code B} points:
 * times {@code t [B, 1]}, points {@code x [B, D]}, target velocities {@code dxt [B, D]}, probes
 * {@code [B, D]}; all float32 (models run in float32).
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelInputs {
    private ModelInputs() {
    }

    /**
     * Checks the inputs of {@link VelocityModel#velocity} and {@link VelocityModel#divergence}.
     *
     * @param spec the model's architecture
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @return the batch size {@code B}
     * @throws org.fmjvm.api.error.ShapeMismatchException if a shape does not fit (x is checked first)
     * @throws IllegalArgumentException if a tensor is not float32
     */
    public static int check(ModelSpec spec, Tensor t, Tensor x) {
        return check(spec.dim(), t, x);
    }

    /**
     * As {@link #check(ModelSpec, Tensor, Tensor)}, for any network of data dimension {@code dim}.
     *
     * @param dim the data dimension {@code D}
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @return the batch size {@code B}
     */
    public static int check(int dim, Tensor t, Tensor x) {
        Shapes.require("x", x, -1, dim);
        int batch = x.dim(0);
        Shapes.require("t", t, batch, 1);
        requireFloat32("x", x);
        requireFloat32("t", t);
        return batch;
    }

    /**
     * Checks the inputs of {@link TrainableModel#trainStep} and {@link TrainableModel#loss}.
     *
     * @param spec the model's architecture
     * @param t times, shape {@code [B, 1]}
     * @param xt points on the path, shape {@code [B, D]} (named {@code x} in messages)
     * @param dxt target velocities, shape {@code [B, D]}
     * @return the batch size {@code B}
     * @throws org.fmjvm.api.error.ShapeMismatchException if a shape does not fit
     * @throws IllegalArgumentException if a tensor is not float32
     */
    public static int checkTraining(ModelSpec spec, Tensor t, Tensor xt, Tensor dxt) {
        return checkTraining(spec.dim(), t, xt, dxt);
    }

    /**
     * As {@link #checkTraining(ModelSpec, Tensor, Tensor, Tensor)}, for data dimension {@code dim}.
     *
     * @param dim the data dimension {@code D}
     * @param t times, shape {@code [B, 1]}
     * @param xt points on the path, shape {@code [B, D]}
     * @param dxt targets, shape {@code [B, D]}
     * @return the batch size {@code B}
     */
    public static int checkTraining(int dim, Tensor t, Tensor xt, Tensor dxt) {
        int batch = check(dim, t, xt);
        Shapes.require("dxt", dxt, batch, dim);
        requireFloat32("dxt", dxt);
        return batch;
    }

    /**
     * Checks the inputs of {@link VelocityModel#divergenceEstimate}.
     *
     * @param spec the model's architecture
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @param probe probe vectors, shape {@code [B, D]}
     * @return the batch size {@code B}
     * @throws org.fmjvm.api.error.ShapeMismatchException if a shape does not fit
     * @throws IllegalArgumentException if a tensor is not float32
     */
    public static int checkProbe(ModelSpec spec, Tensor t, Tensor x, Tensor probe) {
        return checkProbe(spec.dim(), t, x, probe);
    }

    /**
     * As {@link #checkProbe(ModelSpec, Tensor, Tensor, Tensor)}, for data dimension {@code dim}.
     *
     * @param dim the data dimension {@code D}
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @param probe probe vectors, shape {@code [B, D]}
     * @return the batch size {@code B}
     */
    public static int checkProbe(int dim, Tensor t, Tensor x, Tensor probe) {
        int batch = check(dim, t, x);
        Shapes.require("probe", probe, batch, dim);
        requireFloat32("probe", probe);
        return batch;
    }

    /**
     * @param name what the tensor is called in the message, e.g. {@code "x"}
     * @param tensor a model input
     * @throws IllegalArgumentException if it is not float32, saying how to convert it
     */
    public static void requireFloat32(String name, Tensor tensor) {
        if (tensor.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(name + " must be float32 (models run in float32), got "
                    + tensor.dtype() + "; convert it with toDType(DType.FLOAT32)");
        }
    }

    /**
     * Checks the argument of {@link TrainableModel#setLearningRate}.
     *
     * @param learningRate the rate the next step should use
     * @return {@code learningRate}
     * @throws IllegalArgumentException if it is negative or not finite
     */
    public static double learningRate(double learningRate) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
        return learningRate;
    }

    /**
     * Checks the decay of an exponential moving average of the weights ({@link TrainableModel#enableEma}):
     * after every step {@code ema = ema + (1 - decay) (w - ema)}, so the average remembers about
     * {@code 1 / (1 - decay)} steps.
     *
     * @param decay the decay
     * @return {@code decay}
     * @throws IllegalArgumentException if it is outside {@code [0, 1)} (or NaN), saying what it means
     */
    public static double emaDecay(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), e.g. 0.999 (the average then remembers"
                    + " about 1,000 steps), got " + decay);
        }
        return decay;
    }
}
