package org.fmjvm.api;

import java.util.Arrays;

import org.fmjvm.api.error.ShapeMismatchException;

/**
 * Shapes ({@code int[]}, outermost axis first) and the shape rules of the {@link Tensor} contract:
 * NumPy broadcasting, axis normalisation, {@code reshape} with one inferred axis, and the argument
 * checks of {@code concat}, {@code gatherRows}, {@code slice}, the axis reductions and
 * {@code item}. Backends run these checks in Java before any native call, so a mistake surfaces as
 * a {@link ShapeMismatchException} (shapes that do not fit) or an {@link IllegalArgumentException}
 * / {@link IndexOutOfBoundsException} (a bad axis or index) naming the shapes, with the same
 * message on every backend, rather than as an engine's native error.
 *
 * <p>Stateless and thread-safe; no method modifies its arguments.
 */
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

    /**
     * The NumPy broadcast of two shapes: they are aligned on their last axis, a missing leading
     * axis counts as length 1, and an axis of length 1 stretches to the other's length (also to 0),
     * e.g. {@code [B, 1]} and {@code [D]} give {@code [B, D]}.
     *
     * @param op the operation, for the message, e.g. {@code "add"}
     * @param a a shape
     * @param b another shape
     * @return the broadcast shape, of rank {@code max(a.length, b.length)}
     * @throws ShapeMismatchException naming both shapes and the first axis (counted from the end)
     *     whose lengths differ and are both not 1
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
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
            out[k] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Normalises an axis: a negative axis counts from the end ({@code -1} is the last axis).
     *
     * @param op the operation, for the message, e.g. {@code "sum"}
     * @param axis an axis in {@code [-rank, rank)}
     * @param shape the tensor's shape
     * @return the axis in {@code [0, rank)}
     * @throws IllegalArgumentException if the axis is out of range (always for a scalar shape {@code []})
     */
    public static int axis(String op, int axis, int[] shape) {
        int ax = axis < 0 ? axis + shape.length : axis;
        if (ax < 0 || ax >= shape.length) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Arrays.toString(shape));
        }
        return ax;
    }

    /**
     * The shape a reduction over one axis leaves ({@link Tensor#sum(int, boolean)} and its kin).
     *
     * @param shape the tensor's shape
     * @param axis the reduced axis, already normalised by {@link #axis}
     * @param keepDim whether the axis stays with length 1
     * @return a new array: {@code shape} without the axis, or with length 1 there
     */
    public static int[] reduce(int[] shape, int axis, boolean keepDim) {
        int[] out = new int[keepDim ? shape.length : shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i != axis) {
                out[k++] = shape[i];
            } else if (keepDim) {
                out[k++] = 1;
            }
        }
        return out;
    }

    /**
     * Resolves the target of {@link Tensor#reshape}: at most one axis may be {@code -1}, and it is
     * inferred so that the element count stays the same, e.g. {@code [3, 4]} to {@code [-1, 2, 2]}
     * gives {@code [3, 2, 2]}.
     *
     * @param shape the tensor's current shape
     * @param newShape the requested shape, axes {@code >= 0} and at most one {@code -1}
     * @return a new array: the requested shape with the inferred axis filled in
     * @throws IllegalArgumentException if more than one axis is {@code -1} or one is below {@code -1}
     * @throws ShapeMismatchException if the element counts cannot agree, naming both shapes
     */
    public static int[] reshape(int[] shape, int[] newShape) {
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
                throw new IllegalArgumentException("reshape: axes must be >= 0 or -1, got "
                        + Arrays.toString(newShape));
            } else {
                known *= newShape[i];
            }
        }
        int size = size(shape);
        int[] target = newShape.clone();
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size
                        + " elements) to " + describe(newShape));
            }
            target[inferred] = (int) (size / known);
        } else if (known != size) {
            throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size + " elements) to "
                    + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        return target;
    }

    /**
     * Checks the data given to {@link Backend#fromArray(float[], int...)} against its shape.
     *
     * @param count how many values were given
     * @param shape the shape they should fill
     * @throws ShapeMismatchException if the shape needs a different number of values
     * @throws IllegalArgumentException if the shape has a negative axis
     */
    public static void requireElementCount(int count, int... shape) {
        int size = size(shape);
        if (size != count) {
            throw new ShapeMismatchException("data has " + count + " values but shape " + Arrays.toString(shape)
                    + " needs " + size);
        }
    }

    /**
     * Checks the operands of {@link Tensor#concat}: equal ranks, and equal lengths on every axis
     * except {@code axis}.
     *
     * @param a the first operand's shape
     * @param b the second operand's shape
     * @param axis the axis to join along, negative counts from the end
     * @return the axis in {@code [0, rank)}
     * @throws ShapeMismatchException if the ranks differ or another axis differs, naming both shapes
     * @throws IllegalArgumentException if the axis is out of range
     */
    public static int concatAxis(int[] a, int[] b, int axis) {
        if (a.length != b.length) {
            throw new ShapeMismatchException("concat: ranks differ: " + Arrays.toString(a) + " and "
                    + Arrays.toString(b));
        }
        int ax = axis("concat", axis, a);
        for (int k = 0; k < a.length; k++) {
            if (k != ax && a[k] != b[k]) {
                throw new ShapeMismatchException("concat along axis " + axis + ": shapes " + Arrays.toString(a)
                        + " and " + Arrays.toString(b) + " differ on axis " + k);
            }
        }
        return ax;
    }

    /**
     * Checks the row indices of {@link Tensor#gatherRows}.
     *
     * @param shape the tensor's shape, rank {@code >= 1}
     * @param rows indices into axis 0
     * @throws ShapeMismatchException if the shape is a scalar's
     * @throws IndexOutOfBoundsException naming the first index outside {@code [0, shape[0])} and its position
     */
    public static void requireRows(int[] shape, int[] rows) {
        if (shape.length == 0) {
            throw new ShapeMismatchException("gatherRows needs a tensor of rank >= 1, got a scalar");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= shape[0]) {
                throw new IndexOutOfBoundsException("gatherRows: row index " + rows[i] + " at position " + i
                        + " is outside [0, " + shape[0] + ")");
            }
        }
    }

    /**
     * Checks the arguments of {@link Tensor#slice}.
     *
     * @param shape the tensor's shape
     * @param axis the axis to cut, negative counts from the end
     * @param start first index, inclusive
     * @param end last index, exclusive
     * @return the axis in {@code [0, rank)}
     * @throws IllegalArgumentException if the axis is out of range
     * @throws IndexOutOfBoundsException unless {@code 0 <= start <= end <= shape[axis]}
     */
    public static int sliceAxis(int[] shape, int axis, int start, int end) {
        int ax = axis("slice", axis, shape);
        if (start < 0 || end > shape[ax] || start > end) {
            throw new IndexOutOfBoundsException("slice of axis " + axis + " of " + Arrays.toString(shape)
                    + ": need 0 <= start <= end <= " + shape[ax] + ", got [" + start + ", " + end + ")");
        }
        return ax;
    }

    /**
     * Checks that a reduction without an identity ({@code max}, {@code min}) has something to reduce.
     *
     * @param op the operation, for the message
     * @param shape the tensor's shape
     * @param axis a normalised axis (see {@link #axis})
     * @throws ShapeMismatchException if that axis has length 0
     */
    public static void requireNonEmptyAxis(String op, int[] shape, int axis) {
        if (shape[axis] == 0) {
            throw new ShapeMismatchException(op + " over an empty axis of " + Arrays.toString(shape));
        }
    }

    /**
     * Checks the shape of {@link Tensor#item}'s tensor.
     *
     * @param shape the tensor's shape
     * @throws ShapeMismatchException unless it has exactly one element
     */
    public static void requireOneElement(int[] shape) {
        if (size(shape) != 1) {
            throw new ShapeMismatchException("item() needs a tensor with exactly one element, got shape "
                    + Arrays.toString(shape));
        }
    }

    /**
     * Checks {@link Tensor#matmul}'s operands. A length of {@code -1} (not known yet, as the batch
     * axis of a tensor being traced) agrees with any length.
     *
     * @param a the left shape, {@code [M, K]}
     * @param b the right shape, {@code [K, N]}
     * @return {@code [M, N]}
     * @throws ShapeMismatchException unless both are rank 2 with equal inner lengths
     */
    public static int[] matmul(int[] a, int[] b) {
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
     * Checks {@link Tensor#linear}'s operands; {@code -1} agrees with any length, as for
     * {@link #matmul}.
     *
     * @param x the input shape, {@code [B, in]}
     * @param weight the weight shape, {@code [out, in]}
     * @param bias the bias shape {@code [out]}, or null
     * @return {@code [B, out]}
     * @throws ShapeMismatchException if a shape does not fit, naming it and the shape wanted
     */
    public static int[] linear(int[] x, int[] weight, int[] bias) {
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
     * Checks {@link Tensor#oneHot}'s arguments.
     *
     * @param ids the shape of the class ids, {@code [B]}
     * @param classes the number of classes
     * @return {@code [B, classes]}
     * @throws ShapeMismatchException unless the ids have rank 1
     * @throws IllegalArgumentException if {@code classes < 1}
     */
    public static int[] oneHot(int[] ids, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("oneHot: classes must be >= 1, got " + classes);
        }
        if (ids.length != 1) {
            throw new ShapeMismatchException("oneHot needs class ids of shape [B], got " + Arrays.toString(ids)
                    + "; reshape(-1) them first");
        }
        return new int[] {ids[0], classes};
    }

    /** Two lengths agree if equal or if either is not known yet ({@code -1}). */
    private static boolean agree(int a, int b) {
        return a == b || a < 0 || b < 0;
    }
}
