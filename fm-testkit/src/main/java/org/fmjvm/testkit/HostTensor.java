package org.fmjvm.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * {@link Tensor}'s op set in plain Java float64 over a {@link HostArray}: the reference
 * {@link OpsContract} evaluates the very expressions it gives a backend on, for values and for
 * central finite differences, so an expression is written once and cannot drift from its truth.
 *
 * <p>Elementwise operations and axis reductions come from {@link HostArray}; the products
 * ({@code matmul}, {@code linear}), {@code oneHot}, joins, slices and row gathers are written out
 * longhand here. Host tensors belong to no backend and no scope ({@link #backend()} fails,
 * {@link #close()} does nothing) and hold float64 only. Immutable and thread-safe.
 */
final class HostTensor implements Tensor {
    private final HostArray a;

    HostTensor(HostArray a) {
        this.a = a;
    }

    /** @return each array as a host tensor, in order */
    static List<Tensor> of(List<HostArray> arrays) {
        return arrays.stream().<Tensor>map(HostTensor::new).toList();
    }

    /** @return the values */
    HostArray array() {
        return a;
    }

    private static HostArray host(Tensor t) {
        if (t instanceof HostTensor h) {
            return h.a;
        }
        throw new IllegalArgumentException("a host tensor combines only with host tensors, got " + t);
    }

    private HostTensor map(DoubleUnaryOperator f) {
        return new HostTensor(a.map(f));
    }

    private HostTensor zip(Tensor other, DoubleBinaryOperator f) {
        return new HostTensor(a.zip(host(other), f));
    }

    /** @return {@code log(1 + e^x)} without overflow for large {@code x} */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** @return {@code 1 / (1 + e^-x)} */
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Override
    public Backend backend() {
        throw new IllegalStateException("a host tensor belongs to no backend");
    }

    @Override
    public DType dtype() {
        return DType.FLOAT64;
    }

    @Override
    public int[] shape() {
        return a.shape.clone();
    }

    @Override
    public Tensor add(Tensor other) {
        return zip(other, (x, y) -> x + y);
    }

    @Override
    public Tensor sub(Tensor other) {
        return zip(other, (x, y) -> x - y);
    }

    @Override
    public Tensor mul(Tensor other) {
        return zip(other, (x, y) -> x * y);
    }

    @Override
    public Tensor div(Tensor other) {
        return zip(other, (x, y) -> x / y);
    }

    @Override
    public Tensor add(double value) {
        return map(x -> x + value);
    }

    @Override
    public Tensor sub(double value) {
        return map(x -> x - value);
    }

    @Override
    public Tensor mul(double value) {
        return map(x -> x * value);
    }

    @Override
    public Tensor div(double value) {
        return map(x -> x / value);
    }

    @Override
    public Tensor rsub(double value) {
        return map(x -> value - x);
    }

    @Override
    public Tensor neg() {
        return map(x -> -x);
    }

    @Override
    public Tensor abs() {
        return map(Math::abs);
    }

    @Override
    public Tensor exp() {
        return map(Math::exp);
    }

    @Override
    public Tensor log() {
        return map(Math::log);
    }

    @Override
    public Tensor sqrt() {
        return map(Math::sqrt);
    }

    @Override
    public Tensor sin() {
        return map(Math::sin);
    }

    @Override
    public Tensor cos() {
        return map(Math::cos);
    }

    @Override
    public Tensor tanh() {
        return map(Math::tanh);
    }

    @Override
    public Tensor square() {
        return map(x -> x * x);
    }

    @Override
    public Tensor pow(double exponent) {
        return map(x -> Math.pow(x, exponent));
    }

    @Override
    public Tensor sigmoid() {
        return map(HostTensor::sigmoid);
    }

    @Override
    public Tensor relu() {
        return map(x -> x > 0 ? x : 0);
    }

    @Override
    public Tensor softplus() {
        return map(HostTensor::softplus);
    }

    @Override
    public Tensor silu() {
        return map(x -> x * sigmoid(x));
    }

    @Override
    public Tensor minimum(double value) {
        return map(x -> Math.min(x, value));
    }

    @Override
    public Tensor maximum(double value) {
        return map(x -> Math.max(x, value));
    }

    @Override
    public Tensor matmul(Tensor other) {
        HostArray b = host(other);
        if (a.shape.length != 2 || b.shape.length != 2 || a.shape[1] != b.shape[0]) {
            throw new ShapeMismatchException("matmul of " + Arrays.toString(a.shape) + " and "
                    + Arrays.toString(b.shape));
        }
        int m = a.shape[0];
        int k = a.shape[1];
        int n = b.shape[1];
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += a.data[i * k + q] * b.data[q * n + j];
                }
                out[i * n + j] = s;
            }
        }
        return new HostTensor(new HostArray(new int[] {m, n}, out));
    }

    @Override
    public Tensor linear(Tensor weight, Tensor bias) {
        HostArray w = host(weight);
        HostArray b = bias == null ? null : host(bias);
        if (a.shape.length != 2 || w.shape.length != 2 || a.shape[1] != w.shape[1]
                || b != null && (b.shape.length != 1 || b.shape[0] != w.shape[0])) {
            throw new ShapeMismatchException("linear of " + Arrays.toString(a.shape) + " with weight "
                    + Arrays.toString(w.shape) + " and bias " + (b == null ? "none" : Arrays.toString(b.shape)));
        }
        int batch = a.shape[0];
        int in = a.shape[1];
        int outWidth = w.shape[0];
        double[] out = new double[batch * outWidth];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < outWidth; o++) {
                double s = b == null ? 0 : b.data[o];
                for (int i = 0; i < in; i++) {
                    s += a.data[r * in + i] * w.data[o * in + i];
                }
                out[r * outWidth + o] = s;
            }
        }
        return new HostTensor(new HostArray(new int[] {batch, outWidth}, out));
    }

    @Override
    public Tensor oneHot(int classes) {
        if (classes < 1 || a.shape.length != 1) {
            throw new IllegalArgumentException("oneHot of " + Arrays.toString(a.shape) + " with " + classes
                    + " classes");
        }
        int n = a.shape[0];
        double[] out = new double[n * classes];
        for (int r = 0; r < n; r++) {
            double id = a.data[r];
            if (id != Math.rint(id) || id < 0 || id >= classes) {
                throw new IllegalArgumentException("oneHot: id " + id + " is not a whole number in [0, " + classes
                        + ")");
            }
            out[r * classes + (int) id] = 1;
        }
        return new HostTensor(new HostArray(new int[] {n, classes}, out));
    }

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        return new HostTensor(a.reduce(axis, keepDim, Double::sum, false));
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        return new HostTensor(a.reduce(axis, keepDim, Double::sum, true));
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        return new HostTensor(a.reduce(axis, keepDim, Math::max, false));
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        return new HostTensor(a.reduce(axis, keepDim, Math::min, false));
    }

    @Override
    public Tensor sum() {
        double s = 0;
        for (double x : a.data) {
            s += x;
        }
        return new HostTensor(new HostArray(new int[0], new double[] {s}));
    }

    @Override
    public Tensor mean() {
        return sum().div(a.data.length);
    }

    @Override
    public double item() {
        Shapes.requireOneElement(a.shape);
        return a.data[0];
    }

    @Override
    public Tensor reshape(int... shape) {
        return new HostTensor(new HostArray(Shapes.reshape(a.shape, shape), a.data));
    }

    @Override
    public Tensor concat(Tensor other, int axis) {
        return concatAll(List.of(this, other), axis);
    }

    /**
     * @param parts host tensors whose shapes agree except along {@code axis}
     * @param axis the axis to join along, negative counts from the end
     * @return the parts joined along {@code axis}, as {@link Backend#concat} does
     */
    static Tensor concatAll(List<Tensor> parts, int axis) {
        List<HostArray> arrays = new ArrayList<>();
        for (Tensor p : parts) {
            arrays.add(host(p));
        }
        int[] first = arrays.get(0).shape;
        int ax = Shapes.axis("concat", axis, first);
        int outer = 1;
        for (int k = 0; k < ax; k++) {
            outer *= first[k];
        }
        int inner = 1;
        for (int k = ax + 1; k < first.length; k++) {
            inner *= first[k];
        }
        int[] shape = first.clone();
        shape[ax] = 0;
        for (HostArray p : arrays) {
            Shapes.concatAxis(first, p.shape, axis);
            shape[ax] += p.shape[ax];
        }
        double[] out = new double[Shapes.size(shape)];
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (HostArray p : arrays) {
                int block = p.shape[ax] * inner;
                System.arraycopy(p.data, o * block, out, at, block);
                at += block;
            }
        }
        return new HostTensor(new HostArray(shape, out));
    }

    @Override
    public Tensor gatherRows(int[] rows) {
        Shapes.requireRows(a.shape, rows);
        int width = a.data.length / a.shape[0];
        int[] shape = a.shape.clone();
        shape[0] = rows.length;
        double[] out = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(a.data, rows[i] * width, out, i * width, width);
        }
        return new HostTensor(new HostArray(shape, out));
    }

    @Override
    public Tensor slice(int axis, int start, int end) {
        int ax = Shapes.sliceAxis(a.shape, axis, start, end);
        int outer = 1;
        for (int k = 0; k < ax; k++) {
            outer *= a.shape[k];
        }
        int n = a.shape[ax];
        int inner = 1;
        for (int k = ax + 1; k < a.shape.length; k++) {
            inner *= a.shape[k];
        }
        int[] shape = a.shape.clone();
        shape[ax] = end - start;
        double[] out = new double[Shapes.size(shape)];
        int at = 0;
        for (int o = 0; o < outer; o++) {
            int block = (end - start) * inner;
            System.arraycopy(a.data, (o * n + start) * inner, out, at, block);
            at += block;
        }
        return new HostTensor(new HostArray(shape, out));
    }

    @Override
    public Tensor toDType(DType dtype) {
        if (dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("host tensors are float64 only, asked for " + dtype);
        }
        return this;
    }

    @Override
    public float[] toFloatArray() {
        return a.floats();
    }

    @Override
    public double[] toDoubleArray() {
        return a.data.clone();
    }

    @Override
    public void close() {
        // nothing to free
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(a.shape);
    }
}
