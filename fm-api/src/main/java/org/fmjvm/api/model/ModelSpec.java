package org.fmjvm.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.random.Rng;

/**
 * A backend-neutral description of the velocity network {@code v(t, x)}: a multilayer perceptron
 * on {@code concat(x, timeEmbedding(t))}, with {@code hidden.size()} hidden layers of the given
 * widths, each followed by {@code activation}, and a linear output layer of width {@code dim}.
 *
 * <p>Parameters are named as in a PyTorch {@code nn.Sequential} of alternating {@code Linear} and
 * activation modules: layer {@code i} (0-based) has {@code net.<2i>.weight} of shape
 * {@code [out, in]} and {@code net.<2i>.bias} of shape {@code [out]}. A checkpoint's weights can
 * therefore be loaded into such a module in Python by name.
 *
 * @param dim the data dimension {@code D}: input {@code x} and output {@code v} are {@code [B, D]}
 * @param hidden the hidden-layer widths, e.g. {@code [256, 256, 256]}
 * @param activation the hidden nonlinearity
 * @param timeEmbedding how {@code t} enters the network
 */
public record ModelSpec(int dim, List<Integer> hidden, Activation activation, TimeEmbedding timeEmbedding) {

    /** Validates and copies. */
    public ModelSpec {
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(timeEmbedding, "timeEmbedding");
        if (dim < 1) {
            throw new ConfigurationException("model dimension must be >= 1, got " + dim);
        }
        hidden = List.copyOf(hidden);
        if (hidden.isEmpty()) {
            throw new ConfigurationException("an MLP needs at least one hidden layer, got none");
        }
        for (int w : hidden) {
            if (w < 1) {
                throw new ConfigurationException("hidden widths must be >= 1, got " + hidden);
            }
        }
        if ((long) dim + timeEmbedding.width() > MAX_ELEMENTS) {
            throw new ConfigurationException("model dimension " + dim + " is too large: the network input would"
                    + " have more than " + MAX_ELEMENTS + " columns");
        }
        long count = 0;
        for (int l = 0; l <= hidden.size(); l++) {
            long in = l == 0 ? (long) dim + timeEmbedding.width() : hidden.get(l - 1);
            long out = l == hidden.size() ? dim : hidden.get(l);
            if (in * out > MAX_ELEMENTS) {
                throw new ConfigurationException(String.format(java.util.Locale.ROOT, "hidden widths %s are too"
                        + " large: layer %d's weight is %d x %d = %,d values, more than a Java array holds (%,d);"
                        + " use narrower layers", hidden, l + 1, out, in, in * out, MAX_ELEMENTS));
            }
            count += in * out + out;
        }
        if (count > MAX_ELEMENTS) {
            throw new ConfigurationException(String.format(java.util.Locale.ROOT, "hidden widths %s are too large:"
                    + " %,d parameters, more than a Java array holds (%,d); use narrower or fewer layers", hidden,
                    count, MAX_ELEMENTS));
        }
    }

    /**
     * The most values one weight, or all parameters together, may have: what a Java array holds,
     * since weights travel as {@code float[]} ({@value}).
     */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * The tutorial's network: three hidden layers of 256, SiLU, raw {@code t}.
     *
     * @param dim the data dimension
     * @return {@code mlp(dim, [256, 256, 256], SILU, raw)}
     */
    public static ModelSpec mlp(int dim) {
        return new ModelSpec(dim, List.of(256, 256, 256), Activation.SILU, new TimeEmbedding.Raw());
    }

    /** @return the same network for a different data dimension */
    public ModelSpec withDim(int newDim) {
        return new ModelSpec(newDim, hidden, activation, timeEmbedding);
    }

    /** @return the network input width, {@code dim + timeEmbedding.width()} */
    public int inputWidth() {
        return dim + timeEmbedding.width();
    }

    /** @return the number of linear layers, {@code hidden.size() + 1} */
    public int layers() {
        return hidden.size() + 1;
    }

    /**
     * @param layer 0-based linear layer index
     * @return {@code [out, in]} of that layer's weight
     */
    public int[] weightShape(int layer) {
        int in = layer == 0 ? inputWidth() : hidden.get(layer - 1);
        int out = layer == hidden.size() ? dim : hidden.get(layer);
        return new int[] {out, in};
    }

    /**
     * @param layer 0-based linear layer index
     * @return the weight's parameter name
     */
    public static String weightName(int layer) {
        return "net." + (2 * layer) + ".weight";
    }

    /**
     * @param layer 0-based linear layer index
     * @return the bias's parameter name
     */
    public static String biasName(int layer) {
        return "net." + (2 * layer) + ".bias";
    }

    /**
     * @return every parameter's name and shape in order: weight then bias, layer by layer
     */
    public List<ModelWeights.Parameter> parameterShapes() {
        List<ModelWeights.Parameter> out = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            int[] ws = weightShape(l);
            out.add(new ModelWeights.Parameter(weightName(l), ws, new float[ws[0] * ws[1]]));
            out.add(new ModelWeights.Parameter(biasName(l), new int[] {ws[0]}, new float[ws[0]]));
        }
        return out;
    }

    /** @return the total number of trainable scalars */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < layers(); l++) {
            int[] ws = weightShape(l);
            n += (long) ws[0] * ws[1] + ws[0];
        }
        return n;
    }

    /**
     * Draws initial weights with PyTorch's default {@code nn.Linear} scheme: every weight and bias
     * of a layer with fan-in {@code n} is uniform in {@code [-1/sqrt(n), 1/sqrt(n)]}. The draws are
     * made in Java from {@code rng}, layer by layer (weight, then bias), so every backend starts
     * from identical weights for the same seed.
     *
     * @param rng the generator to draw from
     * @return freshly initialised weights
     */
    public ModelWeights initialWeights(Rng rng) {
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            int[] ws = weightShape(l);
            double bound = 1.0 / Math.sqrt(ws[1]);
            params.add(new ModelWeights.Parameter(weightName(l), ws, uniform(rng, ws[0] * ws[1], bound)));
            params.add(new ModelWeights.Parameter(biasName(l), new int[] {ws[0]}, uniform(rng, ws[0], bound)));
        }
        return new ModelWeights(params);
    }

    private static float[] uniform(Rng rng, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return a;
    }

    /** @return one line, e.g. {@code MLP 3 -> 256 -> 256 -> 256 -> 2, silu, time raw} */
    public String describe() {
        StringBuilder sb = new StringBuilder("MLP ").append(inputWidth());
        for (int w : hidden) {
            sb.append(" -> ").append(w);
        }
        return sb.append(" -> ").append(dim).append(", ").append(activation.id())
                .append(", time ").append(timeEmbedding.id()).toString();
    }
}
