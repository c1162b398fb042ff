package org.fmjvm.api;

/**
 * A deliberately narrow, backend-neutral n-dimensional array: what probability paths, couplings,
 * solvers and metrics need, and no more. Every backend implements every operation; a shared
 * contract suite (fm-testkit) proves it against plain-Java results.
 *
 * <p><b>Scopes.</b> Every tensor belongs to exactly one {@link TensorScope}: the innermost scope
 * open on the creating thread when the tensor was made (by a {@link Backend} factory method or as
 * the result of an operation here). Closing the scope frees the tensor's native memory unless it
 * was {@linkplain TensorScope#keep(Tensor) kept}. {@link #close()} frees a tensor early.
 *
 * <p><b>Broadcasting.</b> Binary operations follow NumPy broadcasting: shapes are aligned on their
 * last axis and an axis of length 1 stretches, so {@code [B, 1] * [B, D] -> [B, D]}. Both operands
 * must come from the same backend and have the same {@link DType}.
 *
 * <p><b>Axes.</b> A negative axis counts from the end ({@code -1} is the last axis).
 *
 * <p>Operations never modify their operands. Tensors are confined to the thread that created them.
 */
public interface Tensor extends AutoCloseable {

    /** @return the backend that owns this tensor */
    Backend backend();

    /** @return the element type */
    DType dtype();

    /** @return a copy of the shape, outermost axis first; {@code []} for a scalar */
    int[] shape();

    /** @return the number of axes */
    default int rank() {
        return shape().length;
    }

    /**
     * @param axis an axis, negative counts from the end
     * @return the length of that axis
     */
    default int dim(int axis) {
        int[] s = shape();
        return s[axis < 0 ? s.length + axis : axis];
    }

    /** @return the number of elements */
    default int size() {
        return Shapes.size(shape());
    }

    /**
     * @param other a broadcast-compatible tensor
     * @return {@code this + other} elementwise
     */
    Tensor add(Tensor other);

    /**
     * @param other a broadcast-compatible tensor
     * @return {@code this - other} elementwise
     */
    Tensor sub(Tensor other);

    /**
     * @param other a broadcast-compatible tensor
     * @return {@code this * other} elementwise
     */
    Tensor mul(Tensor other);

    /**
     * @param other a broadcast-compatible tensor
     * @return {@code this / other} elementwise
     */
    Tensor div(Tensor other);

    /**
     * @param value a scalar
     * @return {@code this + value}
     */
    Tensor add(double value);

    /**
     * @param value a scalar
     * @return {@code this - value}
     */
    Tensor sub(double value);

    /**
     * @param value a scalar
     * @return {@code this * value}
     */
    Tensor mul(double value);

    /**
     * @param value a scalar
     * @return {@code this / value}
     */
    Tensor div(double value);

    /**
     * @param value a scalar
     * @return {@code value - this}, e.g. {@code t.rsub(1)} is {@code 1 - t}
     */
    Tensor rsub(double value);

    /** @return {@code -this} */
    Tensor neg();

    /** @return {@code |this|} */
    Tensor abs();

    /** @return {@code e^this} */
    Tensor exp();

    /** @return the natural logarithm */
    Tensor log();

    /** @return the square root */
    Tensor sqrt();

    /** @return the sine (radians) */
    Tensor sin();

    /** @return the cosine (radians) */
    Tensor cos();

    /** @return the hyperbolic tangent */
    Tensor tanh();

    /** @return {@code this * this} */
    Tensor square();

    /**
     * @param exponent a scalar exponent
     * @return {@code this ^ exponent}
     */
    Tensor pow(double exponent);

    /** @return the logistic sigmoid {@code 1 / (1 + e^-this)} */
    Tensor sigmoid();

    /** @return {@code max(this, 0)} */
    Tensor relu();

    /** @return {@code log(1 + e^this)} */
    Tensor softplus();

    /**
     * SiLU (swish), {@code this * sigmoid(this)}. A backend may compute it in place when no gradient
     * is being recorded; the value is the same.
     *
     * @return {@code this * sigmoid(this)}
     */
    Tensor silu();

    /**
     * @param value a scalar
     * @return {@code min(this, value)} elementwise
     */
    Tensor minimum(double value);

    /**
     * @param value a scalar
     * @return {@code max(this, value)} elementwise
     */
    Tensor maximum(double value);

    /**
     * Matrix product of two rank-2 tensors.
     *
     * @param other shape {@code [K, N]} when this is {@code [M, K]}
     * @return shape {@code [M, N]}
     */
    Tensor matmul(Tensor other);

    /**
     * A dense layer in PyTorch's layout, {@code this W^T + b}, as one fused kernel where the engine
     * has one.
     *
     * @param weight shape {@code [out, in]} when this is {@code [B, in]}
     * @param bias shape {@code [out]}, or null for none
     * @return shape {@code [B, out]}
     */
    Tensor linear(Tensor weight, Tensor bias);

    /**
     * One-hot rows of integer class ids: with this tensor of shape {@code [B]} holding whole numbers
     * in {@code [0, classes)}, row {@code b} of the result is 1 at column {@code this[b]} and 0
     * elsewhere. Multiplying the result by a {@code [classes, E]} table is an embedding lookup whose
     * gradient reaches the table.
     *
     * @param classes the number of classes, at least 1
     * @return shape {@code [B, classes]}, this tensor's dtype
     */
    Tensor oneHot(int classes);

    /**
     * @param axis the axis to reduce
     * @param keepDim keep the reduced axis with length 1
     * @return the sum over {@code axis}
     */
    Tensor sum(int axis, boolean keepDim);

    /**
     * @param axis the axis to reduce
     * @param keepDim keep the reduced axis with length 1
     * @return the mean over {@code axis}
     */
    Tensor mean(int axis, boolean keepDim);

    /**
     * @param axis the axis to reduce
     * @param keepDim keep the reduced axis with length 1
     * @return the maximum over {@code axis}
     */
    Tensor max(int axis, boolean keepDim);

    /**
     * @param axis the axis to reduce
     * @param keepDim keep the reduced axis with length 1
     * @return the minimum over {@code axis}
     */
    Tensor min(int axis, boolean keepDim);

    /** @return the sum of all elements, as a scalar tensor of shape {@code []} */
    Tensor sum();

    /** @return the mean of all elements, as a scalar tensor of shape {@code []} */
    Tensor mean();

    /**
     * @return the single element of a one-element tensor
     * @throws org.fmjvm.api.error.ShapeMismatchException if the tensor has more than one element
     */
    double item();

    /**
     * @param shape the new shape, with the same number of elements; one axis may be {@code -1}
     * @return a tensor with the same elements in row-major order
     */
    Tensor reshape(int... shape);

    /**
     * @param other a tensor whose shape equals this one's except along {@code axis}
     * @param axis the axis to join along
     * @return this and {@code other} joined along {@code axis}
     */
    Tensor concat(Tensor other, int axis);

    /**
     * Selects rows (entries of axis 0), with repetition allowed: row {@code i} of the result is
     * row {@code rows[i]} of this tensor. Couplings use it to reorder a batch.
     *
     * @param rows indices in {@code [0, dim(0))}
     * @return a tensor of shape {@code [rows.length, ...]}
     */
    Tensor gatherRows(int[] rows);

    /**
     * @param axis the axis to cut
     * @param start first index, inclusive
     * @param end last index, exclusive
     * @return the elements with index in {@code [start, end)} along {@code axis}
     */
    Tensor slice(int axis, int start, int end);

    /**
     * @param dtype the element type wanted
     * @return a converted copy, or this tensor's values in a new tensor if the type is unchanged
     */
    Tensor toDType(DType dtype);

    /** @return the elements in row-major order, converted to float32 */
    float[] toFloatArray();

    /** @return the elements in row-major order, converted to float64 */
    double[] toDoubleArray();

    /**
     * Frees this tensor's native memory now and removes it from its scope. Using it afterwards is
     * an error. Closing twice is harmless.
     */
    @Override
    void close();
}
