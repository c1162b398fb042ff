package org.fmjvm.nn;

import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * A dense layer {@code y = x W^T + b} in PyTorch's layout: parameters {@code <prefix>.weight}
 * {@code [out, in]} and {@code <prefix>.bias} {@code [out]} (one fused kernel per call,
 * {@link Tensor#linear}).
 *
 * @param prefix the module path, e.g. {@code net.0}
 * @param in input width
 * @param out output width
 */
public record Linear(String prefix, int in, int out) {

    /** Checks the widths. */
    public Linear {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a linear layer needs widths >= 1, got " + in + " -> " + out);
        }
    }

    /** @return the weight's name */
    public String weightName() {
        return prefix + ".weight";
    }

    /** @return the bias's name */
    public String biasName() {
        return prefix + ".bias";
    }

    /** @return the weight and the bias */
    public List<ParamSpec> parameters() {
        return List.of(new ParamSpec(weightName(), new int[] {out, in}), new ParamSpec(biasName(), new int[] {out}));
    }

    /**
     * @param params the network's parameters
     * @param x input {@code [B, in]}
     * @return {@code [B, out]}
     */
    public Tensor apply(Params params, Tensor x) {
        return x.linear(params.get(weightName()), params.get(biasName()));
    }
}
