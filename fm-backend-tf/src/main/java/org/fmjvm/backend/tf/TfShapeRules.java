package org.fmjvm.backend.tf;

import java.util.Arrays;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * The shape checks of {@link TfValue}'s operations: fm-api's rules ({@link Shapes}) and those it
 * has no rule for, lenient for symbolic shapes, where an axis of length {@code -1} is not known
 * until the traced function is called (the batch axis). An unknown length agrees with any length;
 * everything known is checked by fm-api's rules, with their messages, as for eager tensors.
 *
 * <p>Stateless and thread-safe.
 */
final class TfShapeRules {
    private TfShapeRules() {
    }

    /**
     * {@link Shapes#broadcast} where {@code -1} (unknown) agrees with any length.
     *
     * @param op the operation, for the message
     * @param a a shape
     * @param b another shape
     * @throws ShapeMismatchException if two known lengths differ and neither is 1
     */
    static void broadcast(String op, int[] a, int[] b) {
        if (known(a) && known(b)) {
            Shapes.broadcast(op, a, b);
            return;
        }
        int rank = Math.max(a.length, b.length);
        for (int k = 0; k < rank; k++) {
            int da = k < rank - a.length ? 1 : a[k - (rank - a.length)];
            int db = k < rank - b.length ? 1 : b[k - (rank - b.length)];
            if (da >= 0 && db >= 0 && da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + Shapes.describe(a) + " and " + Shapes.describe(b)
                        + " do not broadcast (axis " + (k - rank) + " has " + da + " vs " + db
                        + "; lengths must be equal or 1)");
            }
        }
    }

    /**
     * {@link Shapes#concatAxis} where {@code -1} (unknown) agrees with any length.
     *
     * @param a the first operand's shape
     * @param b another operand's shape
     * @param axis the axis to join along
     * @return the axis in {@code [0, rank)}
     */
    static int concatAxis(int[] a, int[] b, int axis) {
        if (known(a) && known(b)) {
            return Shapes.concatAxis(a, b, axis);
        }
        if (a.length != b.length) {
            throw new ShapeMismatchException("concat: ranks differ: " + Shapes.describe(a) + " and "
                    + Shapes.describe(b));
        }
        int ax = Shapes.axis("concat", axis, a);
        for (int k = 0; k < a.length; k++) {
            if (k != ax && !agree(a[k], b[k])) {
                throw new ShapeMismatchException("concat along axis " + axis + ": shapes " + Shapes.describe(a)
                        + " and " + Shapes.describe(b) + " differ on axis " + k);
            }
        }
        return ax;
    }

    /**
     * {@link Shapes#reshape}; with an unknown length, the target is only checked for at most one
     * {@code -1}, and TensorFlow checks the element count when the function runs.
     *
     * @param shape the current shape
     * @param newShape the requested shape
     * @return the target shape
     */
    static int[] reshape(int[] shape, int[] newShape) {
        if (known(shape)) {
            return Shapes.reshape(shape, newShape);
        }
        int inferred = 0;
        for (int d : newShape) {
            if (d < -1) {
                throw new IllegalArgumentException("reshape: axes must be >= 0 or -1, got " + Arrays.toString(newShape));
            }
            inferred += d == -1 ? 1 : 0;
        }
        if (inferred > 1) {
            throw new IllegalArgumentException("reshape: only one axis may be -1, got " + Arrays.toString(newShape));
        }
        return newShape.clone();
    }

    /**
     * {@link Shapes#requireRows}; with an unknown number of rows, only negative indices are refused.
     *
     * @param shape the tensor's shape
     * @param rows indices into axis 0
     */
    static void requireRows(int[] shape, int[] rows) {
        if (shape.length == 0 || shape[0] >= 0) {
            Shapes.requireRows(shape, rows);
            return;
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0) {
                throw new IndexOutOfBoundsException("gatherRows: row index " + rows[i] + " at position " + i
                        + " is negative");
            }
        }
    }

    /**
     * {@link Shapes#sliceAxis}; on an axis of unknown length, only {@code 0 <= start <= end} is
     * checked.
     *
     * @return the axis in {@code [0, rank)}
     */
    static int sliceAxis(int[] shape, int axis, int start, int end) {
        int ax = Shapes.axis("slice", axis, shape);
        if (shape[ax] >= 0) {
            return Shapes.sliceAxis(shape, axis, start, end);
        }
        if (start < 0 || start > end) {
            throw new IndexOutOfBoundsException("slice of axis " + axis + " of " + Shapes.describe(shape)
                    + ": need 0 <= start <= end, got [" + start + ", " + end + ")");
        }
        return ax;
    }

    /**
     * {@link Shapes#axis}, then {@link Shapes#requireNonEmptyAxis} unless the axis's length is
     * unknown.
     *
     * @return the axis in {@code [0, rank)}
     */
    static int nonEmptyAxis(String op, int axis, int[] shape) {
        int ax = Shapes.axis(op, axis, shape);
        if (shape[ax] >= 0) {
            Shapes.requireNonEmptyAxis(op, shape, ax);
        }
        return ax;
    }

    /** @return whether every length of the shape is known */
    static boolean known(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean agree(int a, int b) {
        return a < 0 || b < 0 || a == b;
    }
}
