package org.fmjvm.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TimeEmbedding;

/**
 * Velocity fields with closed-form flows, as exact one-hidden-layer ReLU MLPs of width {@code D}:
 * a constant {@code v = c} (all weights zero, output bias {@code c}) and a linear {@code v = a x}
 * elementwise (layer 0 {@code h = relu(x + 50) = x + 50} while {@code |x| < 50}, layer 1
 * {@code v = a (h - 50)}).
 */
public final class KnownFields {

    private static final float ON = 50f;

    private KnownFields() {
    }

    /**
     * @param dim D
     * @return the spec both fields use
     */
    public static ModelSpec spec(int dim) {
        return new ModelSpec(dim, List.of(dim), Activation.RELU, new TimeEmbedding.Raw());
    }

    /**
     * @param c the velocity
     * @return weights of {@code v(t, x) = c}
     */
    public static ModelWeights constant(float[] c) {
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec(c.length).parameterShapes()) {
            float[] v = new float[p.size()];
            if (p.name().equals(ModelSpec.biasName(1))) {
                v = c.clone();
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        return new ModelWeights(params);
    }

    /**
     * @param a the rates
     * @return weights of {@code v(t, x) = a x} elementwise
     */
    public static ModelWeights linear(float[] a) {
        int d = a.length;
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec(d).parameterShapes()) {
            float[] v = new float[p.size()];
            if (p.name().equals(ModelSpec.weightName(0))) {
                for (int i = 0; i < d; i++) {
                    v[i * (d + 1) + i] = 1f; // row i picks x_i (the time input gets weight 0)
                }
            } else if (p.name().equals(ModelSpec.biasName(0))) {
                Arrays.fill(v, ON);
            } else if (p.name().equals(ModelSpec.weightName(1))) {
                for (int i = 0; i < d; i++) {
                    v[i * d + i] = a[i];
                }
            } else {
                for (int i = 0; i < d; i++) {
                    v[i] = -ON * a[i];
                }
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        return new ModelWeights(params);
    }
}
