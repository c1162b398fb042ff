package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TimeEmbedding;

/**
 * Building blocks shared by networks: activations and time features, written over the op set.
 */
public final class Layers {
    private Layers() {
    }

    /**
     * @param activation the nonlinearity
     * @param z pre-activations
     * @return the activation applied elementwise (SiLU as {@code z * sigmoid(z)})
     */
    public static Tensor activate(Activation activation, Tensor z) {
        switch (activation) {
            case SILU:
                return z.silu();
            case RELU:
                return z.relu();
            case TANH:
                return z.tanh();
            case SOFTPLUS:
                return z.softplus();
            default:
                throw new IllegalArgumentException("activation " + activation + " has no op-set form");
        }
    }

    /**
     * The name of the frequency buffer of {@link #timeFeatures}.
     */
    public static final String OMEGAS = "time.omegas";

    /**
     * @param embedding how {@code t} enters a network
     * @return the buffers {@link #timeFeatures} reads: the sinusoidal embedding's angular
     *     frequencies {@code pi 2^k} as a {@code [1, F]} row, or none for the raw embedding
     */
    public static List<ModelWeights.Parameter> timeBuffers(TimeEmbedding embedding) {
        if (embedding instanceof TimeEmbedding.Sinusoidal s) {
            float[] w = new float[s.frequencies()];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) s.omega(k);
            }
            return List.of(new ModelWeights.Parameter(OMEGAS, new int[] {1, w.length}, w));
        }
        return List.of();
    }

    /**
     * The columns a time embedding adds: {@code [t]} (raw) or
     * {@code [t, sin(omega_k t)..., cos(omega_k t)...]} (sinusoidal).
     *
     * @param embedding the embedding
     * @param params the network's parameters and buffers (for the frequencies)
     * @param t times {@code [B, 1]}
     * @return the feature columns, {@code t} first
     */
    public static List<Tensor> timeFeatures(TimeEmbedding embedding, Params params, Tensor t) {
        List<Tensor> columns = new ArrayList<>(3);
        columns.add(t);
        if (embedding instanceof TimeEmbedding.Sinusoidal) {
            Tensor angles = t.mul(params.get(OMEGAS));
            columns.add(angles.sin());
            columns.add(angles.cos());
            angles.close();
        }
        return columns;
    }
}
