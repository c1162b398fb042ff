package org.fmjvm.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.autodiff.TensorFunction;
import org.fmjvm.api.autodiff.ValueAndGradients;
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
     * @param parts tensors of one dtype whose shapes agree except along {@code axis}
     * @param axis the axis to join along
     * @return the parts joined along {@code axis}, as one operation where the engine has one
     */
    default Tensor concat(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Tensor out = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            out = out.concat(parts.get(i), axis);
        }
        return parts.size() == 1 ? out.reshape(out.shape()) : out;
    }

    // ---------------------------------------------------------------- differentiation and compilation

    /**
     * Opens a store for tensors that outlive scopes (weights, optimizer state).
     *
     * @return a new, empty store
     */
    TensorStore openStore();

    /**
     * Evaluates a scalar function and its gradients with respect to its arguments. Works eagerly
     * on engines with a tape ({@code djl}) and inside a function being traced by {@link #compile}
     * on engines that differentiate graphs ({@code tf}); outside a traced function such an engine
     * traces {@code f} on the spot. Gradients are only valid until the next gradient computation
     * on this thread; copy them ({@link Tensor#mul(double)} by 1) to keep them longer.
     *
     * @param f the function; its result must have one element
     * @param args the points to differentiate at
     * @return the value and one gradient per argument
     */
    ValueAndGradients valueAndGradients(Function<List<Tensor>, Tensor> f, List<Tensor> args);

    /**
     * The vector-Jacobian product {@code u^T (df/dx)} of a function at {@code x}, one backward
     * pass: row {@code b} of the result is {@code sum_i u[b, i] d f(x)[b, i] / d x[b, :]} when rows
     * do not interact. Same availability as {@link #valueAndGradients}.
     *
     * @param f the function
     * @param x the point
     * @param u the cotangent, shaped like {@code f(x)} (or broadcastable to it)
     * @return shaped like {@code x}
     */
    Tensor vjp(UnaryOperator<Tensor> f, Tensor x, Tensor u);

    /**
     * Prepares a function for repeated calls: {@code djl} runs it eagerly in a scope of its own
     * with the threads its governor picks for {@code kind}; {@code tf} traces it into a graph
     * function once per argument signature (dtypes and shapes, with the batch axis of the first
     * {@code batchArgs} arguments left open) and then calls that.
     *
     * @param name a name for messages and graph functions, e.g. {@code mlp_forward}
     * @param kind what the function does
     * @param batchArgs how many leading arguments have a batch axis 0 whose length may change
     *     between calls
     * @param f the function
     * @return the callable
     */
    CompiledFunction compile(String name, FunctionKind kind, int batchArgs, TensorFunction f);

    /**
     * @return a native in-place Adam kernel when the engine has one and runs steps eagerly; empty
     *     otherwise (then the op-set version runs)
     */
    default Optional<FusedAdam> fusedAdam() {
        return Optional.empty();
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
     * @return how many tensors owned by scopes of this backend are alive (not yet freed); a run that
     *     closes its scopes keeps this number flat. Tensors of a {@link TensorStore} (a model's
     *     weights, optimizer state) are not counted here but by {@link TensorStore#size()}.
     */
    long liveTensors();

    /** Releases the backend's native resources. Tensors and models of this backend become unusable. */
    @Override
    void close();
}
