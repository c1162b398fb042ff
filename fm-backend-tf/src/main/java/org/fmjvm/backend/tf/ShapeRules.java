package org.fmjvm.backend.tf;

import java.util.Arrays;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * Backend-neutral shape rules of the {@link org.fmjvm.api.Tensor} contract, checked in Java before any
 * native call so that mistakes surface as {@link ShapeMismatchException} or
 * {@link IllegalArgumentException} naming the shapes: NumPy broadcasting, axis normalisation and
 * {@code reshape} with one inferred axis. (fm-backend-djl checks the same rules; they belong in
 * fm-api's {@link Shapes}.)
 *
 * <p>Stateless and thread-safe.
 */
final class ShapeRules {
    private ShapeRules() {
    }

    /**
     * @param op the operation, for the message
     * @param a a shape
     * @param b another shape
     * @return the NumPy broadcast of the two shapes
     * @throws ShapeMismatchException naming both shapes
     */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int k = 0; k < rank; k++) {
            int da = k < rank - a.length ? 1 : a[k - (rank - a.length)];
            int db = k < rank - b.length ? 1 : b[k - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (axis " + (k - rank) + " has " + da + " vs " + db
                        + "; lengths must be equal or 1)");
            }
            out[k] = Math.max(da, db);
        }
        return out;
    }

    /**
     * @param op the operation, for the message
     * @param axis an axis, negative counts from the end
     * @param shape the tensor's shape
     * @return the axis in {@code [0, rank)}
     * @throws IllegalArgumentException if it is out of range
     */
    static int axis(String op, int axis, int[] shape) {
        int ax = axis < 0 ? axis + shape.length : axis;
        if (ax < 0 || ax >= shape.length) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Arrays.toString(shape));
        }
        return ax;
    }

    /**
     * @param shape the current shape
     * @param newShape the requested shape; one axis may be {@code -1}
     * @return the requested shape with the inferred axis filled in
     * @throws ShapeMismatchException if the element counts differ
     * @throws IllegalArgumentException if more than one axis is {@code -1} or one is below {@code -1}
     */
    static int[] reshape(int[] shape, int[] newShape) {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: only one axis may be -1, got "
                            + Arrays.toString(newShape));
                }
                inferred = i;
            } else if (newShape[i] < 0) {
                throw new IllegalArgumentException("reshape: axes must be >= 0 or -1, got " + Arrays.toString(newShape));
            } else {
                known *= newShape[i];
            }
        }
        int size = Shapes.size(shape);
        int[] target = newShape.clone();
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size
                        + " elements) to " + Shapes.describe(newShape));
            }
            target[inferred] = (int) (size / known);
        } else if (known != size) {
            throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size + " elements) to "
                    + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        return target;
    }
}
