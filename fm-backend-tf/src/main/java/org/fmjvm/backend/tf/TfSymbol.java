package org.fmjvm.backend.tf;

import java.util.function.Function;

import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.BackendException;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A symbolic {@link Tensor} of the {@code tf} backend: one output of a graph operation in a function
 * being traced ({@link TfTrace}). Its operations ({@link TfValue}) add graph operations with the
 * same kernels and attributes as the eager {@link TfTensor}'s and return a new symbol; nothing runs
 * until the finished function is called.
 *
 * <p><b>Shapes.</b> The static shape TensorFlow infers, with {@code -1} for a length not known until
 * the call (the batch axis of a compiled function's batch arguments): {@link #dim} may return
 * {@code -1}, and {@link #size()} fails while a length is unknown. Operations check shapes in Java
 * first, as the eager ones do, where an unknown length agrees with any length
 * ({@link TfShapeRules}).
 *
 * <p><b>Operands.</b> The other operand of a binary operation may be a symbol of the same trace or an
 * eager tensor of the same backend, which the trace captures ({@link TfTrace#capture}). Symbols of a
 * trace that has ended cannot be used.
 *
 * <p><b>No values.</b> {@link #item()}, {@link #toFloatArray()} and {@link #toDoubleArray()} throw
 * {@link IllegalStateException}: a traced function runs once, on symbols. {@link #close()} does
 * nothing (the graph is freed when the trace ends).
 *
 * <p>Confined to the tracing thread.
 */
final class TfSymbol extends TfValue<Output<?>> {
    private final TfTrace trace;
    private final Output<?> output;

    TfSymbol(TfTrace trace, Operand<?> operand) {
        super(trace.backend(), knownShape(trace, operand.asOutput()), dtype(trace, operand.asOutput()));
        this.trace = trace;
        this.output = operand.asOutput();
    }

    private static int[] knownShape(TfTrace trace, Output<?> out) {
        Shape s = out.shape();
        if (s.isUnknown()) {
            throw new BackendException("tf: the rank of " + out.name() + " in the trace of '" + trace.name()
                    + "' is unknown to TensorFlow");
        }
        return dims(s);
    }

    private static DType dtype(TfTrace trace, Output<?> out) {
        DataType type = out.dataType();
        if (type == DataType.DT_FLOAT) {
            return DType.FLOAT32;
        }
        if (type == DataType.DT_DOUBLE) {
            return DType.FLOAT64;
        }
        throw new BackendException("tf: " + out.name() + " in the trace of '" + trace.name() + "' has element type "
                + type + " (expected float32 or float64)");
    }

    /** @return the lengths of a known-rank shape, {@code -1} where unknown */
    static int[] dims(Shape s) {
        int[] d = new int[s.numDimensions()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(s.get(i));
        }
        return d;
    }

    TfTrace trace() {
        return trace;
    }

    /**
     * @param expected the trace the symbol is used in
     * @param what what the symbol is called in the message
     * @throws IllegalStateException if it belongs to another trace or its trace is not running on
     *     this thread
     */
    void requireTrace(TfTrace expected, String what) {
        if (trace != expected || !trace.isActive()) {
            throw new IllegalStateException(ended(what));
        }
    }

    /** @return the message for a symbol used after its trace ended */
    String ended(String what) {
        return what + " " + this + " is a symbolic tensor of the trace of '" + trace.name() + "', which has ended (or"
                + " runs on another thread); symbols exist only while their function is traced: return it as a result"
                + " of the function and use the result of the call instead";
    }

    // ---------------------------------------------------------------- TfValue

    @Override
    Output<?> handle() {
        return output;
    }

    /** @return this symbol, after checking that its trace is the one running on this thread */
    @Override
    TfSymbol on() {
        requireTrace(backend.activeTrace(), "tensor");
        return this;
    }

    @Override
    TfSymbol peer(Tensor other, String what) {
        return trace.symbol(other, what);
    }

    @Override
    TfSymbol emit(Function<TfEmitter<Output<?>>, Output<?>> body) {
        return new TfSymbol(trace, body.apply(trace));
    }

    // ---------------------------------------------------------------- no values

    /**
     * @throws IllegalStateException if a length is not known while tracing
     */
    @Override
    public int size() {
        if (!TfShapeRules.known(shape)) {
            throw new IllegalStateException("size() of " + this + ": a length of the shape is not known while '"
                    + trace.name() + "' is traced (it is an open batch axis); compute with the tensor instead, e.g."
                    + " mean() rather than sum().div(size())");
        }
        return Shapes.size(shape);
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public double item() {
        throw noValues("item()");
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public float[] toFloatArray() {
        throw noValues("toFloatArray()");
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public double[] toDoubleArray() {
        throw noValues("toDoubleArray()");
    }

    /** Does nothing: the graph is freed when the trace ends. */
    @Override
    public void close() {
        // a symbol owns no native memory of its own
    }

    @Override
    public String toString() {
        return "TfSymbol" + Shapes.describe(shape) + " " + dtype;
    }

    private IllegalStateException noValues(String method) {
        return new IllegalStateException(method + " is not available while '" + trace.name() + "' is traced: " + this
                + " is symbolic, its values exist only when the compiled function runs; a traced function must not"
                + " read values back to Java or branch on them: return the tensor as a result and read the result of"
                + " the call");
    }
}
