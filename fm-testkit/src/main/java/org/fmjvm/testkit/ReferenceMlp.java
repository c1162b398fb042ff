package org.fmjvm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;

/**
 * The velocity network of a {@link ModelSpec}, evaluated in float64 in plain Java: the truth the
 * backends' models are checked against.
 *
 * <p>Forward pass, exactly as documented by {@link ModelSpec}, {@link org.fmjvm.api.model.TimeEmbedding}
 * and {@link Activation}: the input is {@code a0 = concat(x, timeEmbedding.features(t))}; each
 * linear layer {@code l} computes {@code z = W_l a + b_l} with {@code W_l} of shape {@code [out, in]}
 * (row-major, so {@code z_o = sum_i W[o, i] a_i + b_o}); hidden layers apply the activation, the
 * last layer does not. The training loss is {@code mean_b sum_d (v_bd - dxt_bd)^2}, and
 * {@link #lossGradient} is its exact gradient by backpropagation.
 *
 * <p>Immutable and thread-safe. Parameters are held as {@code double[]} in the order of
 * {@link ModelSpec#parameterShapes()}: {@code W_0, b_0, W_1, b_1, ...}.
 */
public final class ReferenceMlp {
    private final ModelSpec spec;
    private final double[][] weights;
    private final double[][] biases;

    private ReferenceMlp(ModelSpec spec, List<double[]> parameters) {
        this.spec = Objects.requireNonNull(spec, "spec");
        int layers = spec.layers();
        if (parameters.size() != 2 * layers) {
            throw new IllegalArgumentException(spec.describe() + " needs " + 2 * layers + " parameter arrays, got "
                    + parameters.size());
        }
        weights = new double[layers][];
        biases = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int[] ws = spec.weightShape(l);
            double[] w = parameters.get(2 * l);
            double[] b = parameters.get(2 * l + 1);
            if (w.length != ws[0] * ws[1] || b.length != ws[0]) {
                throw new IllegalArgumentException("layer " + l + " needs " + ws[0] * ws[1] + " weights and " + ws[0]
                        + " biases, got " + w.length + " and " + b.length);
            }
            weights[l] = w.clone();
            biases[l] = b.clone();
        }
    }

    /**
     * @param spec the architecture
     * @param weights float32 weights matching {@code spec}
     * @throws org.fmjvm.api.error.ShapeMismatchException if they do not match
     */
    public ReferenceMlp(ModelSpec spec, ModelWeights weights) {
        this(spec, toDoubles(checked(spec, weights)));
    }

    /**
     * @param spec the architecture
     * @param parameters {@code W_0, b_0, W_1, b_1, ...} as flat row-major arrays (copied)
     * @return the network with these parameters
     */
    public static ReferenceMlp of(ModelSpec spec, List<double[]> parameters) {
        return new ReferenceMlp(spec, parameters);
    }

    private static ModelWeights checked(ModelSpec spec, ModelWeights weights) {
        weights.requireMatches(spec);
        return weights;
    }

    /** @return the parameters of {@code weights} in their order, widened to float64 */
    static List<double[]> toDoubles(ModelWeights weights) {
        List<double[]> out = new ArrayList<>();
        for (ModelWeights.Parameter p : weights.parameters()) {
            float[] v = p.values();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            out.add(d);
        }
        return out;
    }

    /** @return the architecture */
    public ModelSpec spec() {
        return spec;
    }

    /** @return copies of {@code W_0, b_0, W_1, b_1, ...} */
    public List<double[]> parameters() {
        List<double[]> out = new ArrayList<>();
        for (int l = 0; l < weights.length; l++) {
            out.add(weights[l].clone());
            out.add(biases[l].clone());
        }
        return out;
    }

    /**
     * @param t a time
     * @param x a point of length {@code D}
     * @return the network input {@code concat(x, features(t))}
     */
    public double[] input(double t, double[] x) {
        requireDim(x);
        double[] f = spec.timeEmbedding().features(t);
        double[] in = new double[x.length + f.length];
        System.arraycopy(x, 0, in, 0, x.length);
        System.arraycopy(f, 0, in, x.length, f.length);
        return in;
    }

    /**
     * @param t a time
     * @param x a point of length {@code D}
     * @return {@code v(t, x)}, length {@code D}
     */
    public double[] velocity(double t, double[] x) {
        double[] a = input(t, x);
        for (int l = 0; l < weights.length; l++) {
            double[] z = affine(l, a);
            a = l == weights.length - 1 ? z : activate(z);
        }
        return a;
    }

    /**
     * @param t times, one per row
     * @param x points, {@code [B][D]}
     * @return {@code v(t_b, x_b)} for every row, {@code [B][D]}
     */
    public double[][] velocity(double[] t, double[][] x) {
        requireRows(t, x);
        double[][] v = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            v[b] = velocity(t[b], x[b]);
        }
        return v;
    }

    /**
     * The Jacobian {@code J[i][j] = d v_i / d x_j} by central finite differences in float64.
     *
     * @param t a time
     * @param x a point
     * @param h the step, e.g. {@code 1e-5}
     * @return {@code [D][D]}
     */
    public double[][] jacobianFiniteDifference(double t, double[] x, double h) {
        int d = spec.dim();
        double[][] jac = new double[d][d];
        for (int j = 0; j < d; j++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] vp = velocity(t, plus);
            double[] vm = velocity(t, minus);
            for (int i = 0; i < d; i++) {
                jac[i][j] = (vp[i] - vm[i]) / (2 * h);
            }
        }
        return jac;
    }

    /**
     * @param t a time
     * @param x a point
     * @param h the finite-difference step
     * @return the divergence {@code sum_i d v_i / d x_i} by central differences
     */
    public double divergenceFiniteDifference(double t, double[] x, double h) {
        double[][] jac = jacobianFiniteDifference(t, x, h);
        double div = 0;
        for (int i = 0; i < jac.length; i++) {
            div += jac[i][i];
        }
        return div;
    }

    /**
     * @param t times, one per row
     * @param xt points, {@code [B][D]}
     * @param dxt targets, {@code [B][D]}
     * @return {@code mean_b sum_d (v(t_b, xt_b)_d - dxt_bd)^2}
     */
    public double loss(double[] t, double[][] xt, double[][] dxt) {
        requireRows(t, xt);
        requireRows(t, dxt);
        double total = 0;
        for (int b = 0; b < xt.length; b++) {
            double[] v = velocity(t[b], xt[b]);
            for (int d = 0; d < v.length; d++) {
                double r = v[d] - dxt[b][d];
                total += r * r;
            }
        }
        return total / xt.length;
    }

    /**
     * The exact gradient of {@link #loss} with respect to every parameter, by backpropagation.
     *
     * @param t times, one per row
     * @param xt points, {@code [B][D]}
     * @param dxt targets, {@code [B][D]}
     * @return gradients in the order {@code W_0, b_0, W_1, b_1, ...}, shaped like the parameters
     */
    public List<double[]> lossGradient(double[] t, double[][] xt, double[][] dxt) {
        requireRows(t, xt);
        requireRows(t, dxt);
        int layers = weights.length;
        double[][] gw = new double[layers][];
        double[][] gb = new double[layers][];
        for (int l = 0; l < layers; l++) {
            gw[l] = new double[weights[l].length];
            gb[l] = new double[biases[l].length];
        }
        int batch = xt.length;
        for (int b = 0; b < batch; b++) {
            // forward, keeping every layer's input a_l and pre-activation z_l
            double[][] inputs = new double[layers][];
            double[][] pre = new double[layers][];
            double[] a = input(t[b], xt[b]);
            for (int l = 0; l < layers; l++) {
                inputs[l] = a;
                pre[l] = affine(l, a);
                a = l == layers - 1 ? pre[l] : activate(pre[l]);
            }
            // dL/dz of the output layer
            double[] delta = new double[a.length];
            for (int d = 0; d < a.length; d++) {
                delta[d] = 2.0 * (a[d] - dxt[b][d]) / batch;
            }
            for (int l = layers - 1; l >= 0; l--) {
                int[] ws = spec.weightShape(l);
                int out = ws[0];
                int in = ws[1];
                for (int o = 0; o < out; o++) {
                    gb[l][o] += delta[o];
                    for (int i = 0; i < in; i++) {
                        gw[l][o * in + i] += delta[o] * inputs[l][i];
                    }
                }
                if (l > 0) {
                    double[] prev = new double[in];
                    for (int i = 0; i < in; i++) {
                        double s = 0;
                        for (int o = 0; o < out; o++) {
                            s += weights[l][o * in + i] * delta[o];
                        }
                        prev[i] = s * derivative(spec.activation(), pre[l - 1][i]);
                    }
                    delta = prev;
                }
            }
        }
        List<double[]> grads = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            grads.add(gw[l]);
            grads.add(gb[l]);
        }
        return grads;
    }

    private double[] affine(int layer, double[] a) {
        int[] ws = spec.weightShape(layer);
        double[] w = weights[layer];
        double[] z = new double[ws[0]];
        for (int o = 0; o < ws[0]; o++) {
            double s = biases[layer][o];
            for (int i = 0; i < ws[1]; i++) {
                s += w[o * ws[1] + i] * a[i];
            }
            z[o] = s;
        }
        return z;
    }

    private double[] activate(double[] z) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = spec.activation().apply(z[i]);
        }
        return out;
    }

    /**
     * @param activation a nonlinearity
     * @param x input
     * @return the derivative of {@link Activation#apply} at {@code x}
     */
    static double derivative(Activation activation, double x) {
        switch (activation) {
            case SILU: {
                double s = 1 / (1 + Math.exp(-x));
                return s * (1 + x * (1 - s));
            }
            case RELU:
                return x > 0 ? 1 : 0;
            case TANH: {
                double th = Math.tanh(x);
                return 1 - th * th;
            }
            case SOFTPLUS:
                return 1 / (1 + Math.exp(-x));
            default:
                throw new IllegalArgumentException("no derivative known for activation " + activation
                        + "; add it to ReferenceMlp.derivative");
        }
    }

    private void requireDim(double[] x) {
        if (x.length != spec.dim()) {
            throw new IllegalArgumentException("x must have " + spec.dim() + " coordinates, got " + x.length);
        }
    }

    private static void requireRows(double[] t, double[][] x) {
        if (t.length != x.length) {
            throw new IllegalArgumentException(t.length + " times but " + x.length + " rows");
        }
    }
}
