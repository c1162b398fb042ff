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
     * @param a the left operand's shape {@code [M, K]}
     * @param b the right operand's shape {@code [K, N]}
     * @return {@code [M, N]}
     * @throws ShapeMismatchException if a rank is not 2 or the inner lengths differ
     */
    static int[] matmul(int[] a, int[] b) {
        if (a.length != 2 || b.length != 2) {
            throw new ShapeMismatchException("matmul needs two rank-2 tensors, got " + Arrays.toString(a) + " and "
                    + Arrays.toString(b) + "; reshape them to [M, K] and [K, N]");
        }
        if (!agree(a[1], b[0])) {
            throw new ShapeMismatchException("matmul of " + Arrays.toString(a) + " and " + Arrays.toString(b)
                    + ": inner lengths differ (" + a[1] + " vs " + b[0] + "); the right operand must have shape ["
                    + a[1] + ", N]");
        }
        return new int[] {a[0], b[1]};
    }

    /**
     * @param x the input's shape {@code [B, in]}
     * @param weight the weight's shape {@code [out, in]}
     * @param bias the bias's shape {@code [out]}, or null
     * @return {@code [B, out]}
     * @throws ShapeMismatchException if a shape does not fit, naming it and the shape wanted
     */
    static int[] linear(int[] x, int[] weight, int[] bias) {
        if (x.length != 2) {
            throw new ShapeMismatchException("linear: the input must have shape [B, in], got " + Arrays.toString(x));
        }
        if (weight.length != 2 || !agree(weight[1], x[1])) {
            throw new ShapeMismatchException("linear: weight must have shape [out, " + x[1] + "] (PyTorch's layout"
                    + " [out, in]) for an input of shape " + Arrays.toString(x) + ", got " + Arrays.toString(weight));
        }
        if (bias != null && (bias.length != 1 || !agree(bias[0], weight[0]))) {
            throw new ShapeMismatchException("linear: bias must have shape [" + weight[0] + "] for a weight of shape "
                    + Arrays.toString(weight) + ", got " + Arrays.toString(bias));
        }
        return new int[] {x[0], weight[0]};
    }

    /**
     * @param ids the class ids' shape, {@code [B]}
     * @param classes the number of classes
     * @return {@code [B, classes]}
     * @throws ShapeMismatchException unless the ids have rank 1
     * @throws IllegalArgumentException if {@code classes < 1}
     */
    static int[] oneHot(int[] ids, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("oneHot: classes must be >= 1, got " + classes);
        }
        if (ids.length != 1) {
            throw new ShapeMismatchException("oneHot needs class ids of shape [B], got " + Arrays.toString(ids)
                    + "; reshape(-1) them first");
        }
        return new int[] {ids[0], classes};
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
