package org.fmjvm.testkit;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.random.Rng;

/**
 * A tiny row-major float64 n-dimensional array in plain Java: the reference results of
 * {@link TensorContract}. The element mapping of NumPy broadcasting and the axis reductions are
 * written out longhand so that they can be trusted; the broadcast shape comes from fm-api's
 * {@link Shapes#broadcast}, which backends use only to reject shapes before the engine computes
 * the result, so the contract still checks that rule against every engine. Immutable.
 */
final class HostArray {
    final int[] shape;
    final double[] data;

    HostArray(int[] shape, double[] data) {
        this.shape = shape.clone();
        this.data = data.clone();
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Shapes.size(shape)
                    + " values, got " + data.length);
        }
    }

    /**
     * @param rng source of values
     * @param low smallest magnitude
     * @param high largest magnitude
     * @param signed whether to draw random signs
     * @param shape the shape
     * @return values whose magnitude is uniform in [low, high), rounded to float32 so that a float32
     *     tensor holds them exactly
     */
    static HostArray random(Rng rng, double low, double high, boolean signed, int... shape) {
        double[] d = new double[Shapes.size(shape)];
        for (int i = 0; i < d.length; i++) {
            double mag = low + (high - low) * rng.nextDouble();
            d[i] = (float) (signed && rng.nextDouble() < 0.5 ? -mag : mag);
        }
        return new HostArray(shape, d);
    }

    float[] floats() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    HostArray map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new HostArray(shape, out);
    }

    /** Elementwise {@code f(this, other)} with NumPy broadcasting. */
    HostArray zip(HostArray other, DoubleBinaryOperator f) {
        int[] out = Shapes.broadcast("zip", shape, other.shape);
        int[] sa = broadcastStrides(shape, out.length, out);
        int[] sb = broadcastStrides(other.shape, out.length, out);
        double[] result = new double[Shapes.size(out)];
        int[] idx = new int[out.length];
        for (int flat = 0; flat < result.length; flat++) {
            int rem = flat;
            for (int k = out.length - 1; k >= 0; k--) {
                idx[k] = rem % out[k];
                rem /= out[k];
            }
            int ia = 0;
            int ib = 0;
            for (int k = 0; k < out.length; k++) {
                ia += idx[k] * sa[k];
                ib += idx[k] * sb[k];
            }
            result[flat] = f.applyAsDouble(data[ia], other.data[ib]);
        }
        return new HostArray(out, result);
    }

    /** Strides of {@code shape} aligned on the right to {@code rank} axes, 0 where it broadcasts. */
    private static int[] broadcastStrides(int[] shape, int rank, int[] out) {
        int[] strides = new int[rank];
        int stride = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            int axis = k + rank - shape.length;
            strides[axis] = shape[k] == 1 && out[axis] != 1 ? 0 : stride;
            stride *= shape[k];
        }
        return strides;
    }


    /**
     * Reduces one axis.
     *
     * @param axis the axis, negative counts from the end
     * @param keepDim keep it with length 1
     * @param combine the pairwise reduction
     * @param mean divide by the axis length afterwards
     */
    HostArray reduce(int axis, boolean keepDim, DoubleBinaryOperator combine, boolean mean) {
        int ax = axis < 0 ? axis + shape.length : axis;
        int outer = 1;
        for (int k = 0; k < ax; k++) {
            outer *= shape[k];
        }
        int n = shape[ax];
        int inner = 1;
        for (int k = ax + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = data[(o * n) * inner + i];
                for (int k = 1; k < n; k++) {
                    acc = combine.applyAsDouble(acc, data[(o * n + k) * inner + i]);
                }
                out[o * inner + i] = mean ? acc / n : acc;
            }
        }
        int[] newShape;
        if (keepDim) {
            newShape = shape.clone();
            newShape[ax] = 1;
        } else {
            newShape = new int[shape.length - 1];
            for (int k = 0, j = 0; k < shape.length; k++) {
                if (k != ax) {
                    newShape[j++] = shape[k];
                }
            }
        }
        return new HostArray(newShape, out);
    }

    @Override
    public String toString() {
        return "HostArray" + Arrays.toString(shape);
    }
}
