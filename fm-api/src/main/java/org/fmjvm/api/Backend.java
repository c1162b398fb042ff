package org.fmjvm.api;

import java.util.Set;

import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;

/**
 * A numerical engine (PyTorch through DJL, TensorFlow Java, ...) opened on one device. It makes
 * {@link Tensor}s, {@link TensorScope}s and velocity models; everything else in the framework is
 * written against this interface only, so training and sampling code runs unchanged on any
 * backend.
 *
 * <p>Backends are contributed by plugins under a stable name ({@code djl}) and opened lazily: native
 * libraries load when the backend is opened, never at discovery. A backend chooses its own native
 * thread settings; callers need not know about them.
 *
 * <p>Randomness: {@link #randn} and {@link #rand} draw from the caller's {@link Rng} in Java and
 * copy the values in, so equal seeds give equal numbers on every backend.
 *
 * <p>Thread safety: a backend may be shared between threads, but tensors and scopes are confined
 * to the thread that created them.
 */
public interface Backend extends AutoCloseable {

    /** @return the registered name, e.g. {@code djl} */
    String name();

    /** @return one line for run summaries, e.g. engine and version, device and thread policy */
    String description();

    /** @return the device tensors live on */
    Device device();

    /** @return what this backend can do beyond the required contract */
    Set<Capability> capabilities();

    /**
     * Opens a scope and makes it the current scope of the calling thread.
     *
     * @return the new scope; close it with try-with-resources
     */
    TensorScope openScope();

    /**
     * @param data the elements in row-major order (copied)
     * @param shape the shape; its element count must equal {@code data.length}
     * @return a float32 tensor in the current scope
     * @throws IllegalStateException if no scope is open on this thread
     */
    Tensor fromArray(float[] data, int... shape);

    /**
     * @param data the elements in row-major order (copied)
     * @param shape the shape; its element count must equal {@code data.length}
     * @return a float64 tensor in the current scope
     * @throws IllegalStateException if no scope is open on this thread
     */
    Tensor fromArray(double[] data, int... shape);

    /**
     * @param data the elements in row-major order (copied)
     * @param dtype the element type wanted: {@link DType#FLOAT64} keeps the values, {@link DType#FLOAT32}
     *     rounds them
     * @param shape the shape; its element count must equal {@code data.length}
     * @return a tensor of {@code dtype} in the current scope
     */
    default Tensor fromArray(double[] data, DType dtype, int... shape) {
        if (dtype == DType.FLOAT64) {
            return fromArray(data, shape);
        }
        float[] rounded = new float[data.length];
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = (float) data[i];
        }
        return fromArray(rounded, shape);
    }

    /**
     * @param value the fill value
     * @param shape the shape
     * @return a float32 tensor of {@code value} in the current scope
     */
    Tensor full(double value, int... shape);

    /**
     * @param rng the generator to draw from
     * @param shape the shape
     * @return a float32 tensor of independent standard normal draws, in the current scope
     */
    default Tensor randn(Rng rng, int... shape) {
        return fromArray(rng.normals(Shapes.size(shape)), shape);
    }

    /**
     * @param rng the generator to draw from
     * @param shape the shape
     * @return a float32 tensor of independent uniform draws in [0, 1), in the current scope
     */
    default Tensor rand(Rng rng, int... shape) {
        return fromArray(rng.uniforms(Shapes.size(shape)), shape);
    }

    /**
     * Builds a model for inference (velocity and divergence only).
     *
     * @param spec the architecture
     * @param weights weights matching {@code spec} (see {@link ModelSpec#parameterShapes()})
     * @return a model owned by this backend; close it when done
     * @throws org.fmjvm.api.error.ShapeMismatchException if the weights do not match the spec
     */
    VelocityModel newModel(ModelSpec spec, ModelWeights weights);

    /**
     * Builds a model with an optimizer attached, ready for {@link TrainableModel#trainStep}.
     *
     * @param spec the architecture
     * @param optimizer the optimizer and its hyper-parameters
     * @param initial initial weights, usually {@link ModelSpec#initialWeights(Rng)}
     * @return a trainable model owned by this backend; close it when done
     * @throws org.fmjvm.api.error.ShapeMismatchException if the weights do not match the spec
     */
    TrainableModel newTrainableModel(ModelSpec spec, OptimizerSpec optimizer, ModelWeights initial);

    /**
     * @return how many tensors made through this backend are alive (not yet freed); a run that
     *     closes its scopes keeps this number flat
     */
    long liveTensors();

    /** Releases the backend's native resources. Tensors and models of this backend become unusable. */
    @Override
    void close();
}
