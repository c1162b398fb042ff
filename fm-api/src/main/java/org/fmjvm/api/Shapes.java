package org.fmjvm.api;

import java.util.Arrays;

import org.fmjvm.api.error.ShapeMismatchException;

/** Small helpers for shapes ({@code int[]}, outermost axis first). */
public final class Shapes {
    private Shapes() {
    }

    /**
     * @param shape a shape
     * @return the number of elements (1 for a scalar shape {@code []})
     * @throws IllegalArgumentException if an axis is negative or the product overflows an int
     */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative axis");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 elements");
            }
        }
        return (int) n;
    }

    /**
     * Checks a tensor's shape; {@code -1} in {@code expected} matches any length.
     *
     * @param name what the tensor is called in the message, e.g. {@code "t"}
     * @param tensor the tensor
     * @param expected the expected shape, {@code -1} for "any"
     * @throws ShapeMismatchException naming both shapes, e.g. {@code t must have shape [256, 1], got [256]}
     */
    public static void require(String name, Tensor tensor, int... expected) {
        int[] actual = tensor.shape();
        boolean ok = actual.length == expected.length;
        for (int i = 0; ok && i < actual.length; i++) {
            ok = expected[i] < 0 || expected[i] == actual[i];
        }
        if (!ok) {
            throw new ShapeMismatchException(name + " must have shape " + describe(expected) + ", got "
                    + Arrays.toString(actual));
        }
    }

    /**
     * @param shape a shape, {@code -1} for "any"
     * @return the shape in brackets, {@code -1} written as {@code *}, e.g. {@code [*, 2]}
     */
    public static String describe(int... shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "*" : Integer.toString(shape[i]));
        }
        return sb.append(']').toString();
    }
}
