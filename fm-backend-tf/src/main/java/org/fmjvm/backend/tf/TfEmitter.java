package org.fmjvm.backend.tf;

import java.util.List;

import org.fmjvm.api.DType;

/**
 * Where the operations of {@link TfValue} go: run at once in the eager context
 * ({@link TfRuntime#eager}, handles are {@code TFE_TensorHandle}s) or added to the graph of the
 * function being traced ({@link TfTrace}, handles are graph {@code Output}s). Both take the same
 * TensorFlow op types, inputs and attributes, so an operation is written once and computes the same
 * values either way.
 *
 * @param <H> what refers to a tensor: an eager handle or a graph output
 */
interface TfEmitter<H> {
    /**
     * @param type the TensorFlow op type, e.g. {@code AddV2}
     * @return the operation to give inputs and attributes, then {@link Call#build}
     */
    Call<H> op(String type);

    /**
     * @param dtype the element type
     * @param value the value, rounded to float32 for {@link DType#FLOAT32}
     * @return a scalar of that type
     */
    H scalar(DType dtype, double value);

    /** @return an int32 vector (axes, indices, shapes) */
    H ints(int... values);

    /** @return an int32 scalar */
    H intScalar(int value);

    /** @return the same values as {@code x} under a new reference */
    H identity(H x);

    /**
     * One operation being assembled; not thread-safe.
     *
     * @param <H> what refers to a tensor
     */
    interface Call<H> {
        Call<H> input(H x);

        /** A list input; sets no attribute ({@code N} is set separately). */
        Call<H> inputList(List<H> xs);

        /** Sets a type attribute to float32 or float64. */
        Call<H> type(String name, DType dtype);

        /** Sets a type attribute to int32. */
        Call<H> int32(String name);

        Call<H> bool(String name, boolean value);

        Call<H> integer(String name, long value);

        /** @return the operation's single output */
        H build();
    }
}
