package org.fmjvm.api.backend;

import java.util.Arrays;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;

/**
 * Checks on the tensors handed to a backend, for backend implementors, with the same messages on
 * every backend: a tensor of another backend, operands of different dtypes, a tensor used after it
 * was freed. Shape checks live in {@link org.fmjvm.api.Shapes}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TensorChecks {
    private TensorChecks() {
    }

    /**
     * Casts a tensor to the backend's own tensor class, refusing tensors of other backends (and of
     * other instances of the same backend): they cannot be mixed.
     *
     * @param owner the backend receiving the tensor
     * @param type the backend's tensor class
     * @param tensor the tensor received
     * @param name what it is called in messages, e.g. {@code "x"}
     * @param <T> the backend's tensor type
     * @return {@code tensor}, as {@code type}
     * @throws NullPointerException naming it if it is null
     * @throws IllegalArgumentException if it belongs to another backend, saying how to copy it over
     */
    public static <T extends Tensor> T unwrap(Backend owner, Class<T> type, Tensor tensor, String name) {
        Objects.requireNonNull(tensor, name);
        if (!type.isInstance(tensor) || tensor.backend() != owner) {
            throw new IllegalArgumentException(name + " is a tensor of another backend (" + tensor.getClass().getName()
                    + "); tensors of different backends cannot be mixed: copy it with toFloatArray() and"
                    + " fromArray() on this backend");
        }
        return type.cast(tensor);
    }

    /**
     * @param op the operation, for the message, e.g. {@code "add"}
     * @param a one operand
     * @param b the other operand
     * @throws IllegalArgumentException if their dtypes differ (nothing is promoted silently)
     */
    public static void requireSameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": operands have different dtypes " + a.dtype() + " and "
                    + b.dtype() + "; convert one with toDType()");
        }
    }

    /**
     * @param closed whether the tensor was freed, by {@link Tensor#close()} or by closing its scope
     * @param shape its shape, for the message
     * @throws IllegalStateException if it was, saying to {@code keep()} it to use it later
     */
    public static void requireOpen(boolean closed, int[] shape) {
        if (closed) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " was closed (by close() or by closing"
                    + " its TensorScope); keep() it into an enclosing scope to use it later");
        }
    }
}
