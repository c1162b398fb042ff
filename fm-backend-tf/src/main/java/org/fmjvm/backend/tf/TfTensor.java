package org.fmjvm.backend.tf;

import java.util.Arrays;
import java.util.function.Function;

import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.HostArrays;
import org.fmjvm.api.backend.TensorChecks;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * A {@link Tensor} of the {@code tf} backend: one TensorFlow eager tensor handle owned by one
 * {@link TfScope} or {@link TfStore} ({@link TfOwner}). Its operations ({@link TfValue}) run as
 * eager TensorFlow operations ({@link TfRuntime#eager}) and give the result to the calling thread's
 * current scope, deleting every intermediate handle.
 *
 * <p><b>While a function is traced</b> on the calling thread ({@link TfTrace}), operations on this
 * tensor do not run: the trace captures the tensor and the operation becomes a graph operation on a
 * {@link TfSymbol}, so a traced function may use the weights it closes over like its arguments.
 * Reading values ({@link #item()}, {@link #toFloatArray()}) still works: this tensor has them.
 *
 * <p>Shape and dtype are read once at construction. Confined to the thread that made it (a store's
 * tensors to one thread at a time).
 */
final class TfTensor extends TfValue<TFE_TensorHandle> {
    private final TfRuntime runtime;
    private final TFE_TensorHandle handle;
    private TfOwner owner;
    private boolean closed;

    TfTensor(TfBackend backend, TFE_TensorHandle handle, int[] shape, DType dtype, TfOwner owner) {
        super(backend, shape, dtype);
        this.runtime = backend.runtime();
        this.handle = handle;
        this.owner = owner;
    }

    @Override
    TFE_TensorHandle handle() {
        return handle;
    }

    /** @return the scope or store that owns the handle */
    TfOwner owner() {
        return owner;
    }

    void moveTo(TfOwner newOwner) {
        owner = newOwner;
    }

    boolean isClosed() {
        return closed;
    }

    /** Frees the handle because the owning scope or store closes. */
    void release() {
        if (!closed) {
            closed = true;
            runtime.delete(handle);
            backend.released();
        }
    }

    void checkUsable() {
        TensorChecks.requireOpen(closed, shape);
    }

    // ---------------------------------------------------------------- TfValue

    /** @return this tensor, or the symbol standing for it in the function traced on this thread */
    @Override
    TfValue<?> on() {
        TfTrace trace = backend.activeTrace();
        if (trace != null) {
            return trace.capture(this);
        }
        checkUsable();
        return this;
    }

    @Override
    TfTensor peer(Tensor other, String what) {
        return backend.unwrap(other, what);
    }

    @Override
    Tensor emit(Function<TfEmitter<TFE_TensorHandle>, TFE_TensorHandle> body) {
        return backend.adopt(() -> runtime.eager(body), backend.currentScope());
    }

    /** Reads the ids back: TensorFlow would silently give a zero row for an id out of range. */
    @Override
    void requireClassIds(int classes) {
        double[] ids = toDoubleArray();
        for (int i = 0; i < ids.length; i++) {
            double id = ids[i];
            if (!(id >= 0 && id < classes && id == Math.rint(id))) {
                throw new IllegalArgumentException("oneHot: class id " + id + " at position " + i
                        + " is not a whole number in [0, " + classes + ")");
            }
        }
    }

    // ---------------------------------------------------------------- values

    @Override
    public double item() {
        checkUsable();
        Shapes.requireOneElement(shape);
        return toDoubleArray()[0];
    }

    @Override
    public float[] toFloatArray() {
        checkUsable();
        int n = size();
        return dtype == DType.FLOAT32 ? runtime.readFloats(handle, n)
                : HostArrays.toFloats(runtime.readDoubles(handle, n));
    }

    @Override
    public double[] toDoubleArray() {
        checkUsable();
        int n = size();
        return dtype == DType.FLOAT64 ? runtime.readDoubles(handle, n)
                : HostArrays.toDoubles(runtime.readFloats(handle, n));
    }

    @Override
    public void close() {
        if (!closed) {
            owner.remove(this);
            release();
        }
    }

    @Override
    public String toString() {
        return "TfTensor" + Arrays.toString(shape) + " " + dtype + (closed ? " (closed)" : "");
    }
}
