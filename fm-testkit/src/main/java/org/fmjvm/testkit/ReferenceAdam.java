package org.fmjvm.testkit;

import java.util.List;
import java.util.Objects;

import org.fmjvm.api.model.OptimizerSpec;

/**
 * Adam in float64 with exactly PyTorch's semantics, the truth for checking a backend's optimizer:
 *
 * <ol>
 *   <li>if {@code maxGradNorm > 0}, every gradient is multiplied by
 *       {@code min(1, maxGradNorm / (||g|| + 1e-6))} with {@code ||g||} the global L2 norm over all
 *       parameters ({@code torch.nn.utils.clip_grad_norm_});
 *   <li>weight decay: {@code g += wd * w} ({@code torch.optim.Adam}) or, when decoupled,
 *       {@code w *= 1 - lr * wd} ({@code torch.optim.AdamW});
 *   <li>{@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2};
 *   <li>{@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 * </ol>
 *
 * <p>Not thread-safe: one instance per training run.
 */
public final class ReferenceAdam {
    private final OptimizerSpec spec;
    private double[][] m;
    private double[][] v;
    private long steps;
    private List<double[]> lastEffective = List.of();

    /** @param spec the hyper-parameters */
    public ReferenceAdam(OptimizerSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /**
     * @return the gradients the moments were fed at the last step: after clipping and, for L2
     *     decay, with {@code wd * w} added; empty before the first step
     */
    public List<double[]> lastEffectiveGradients() {
        return lastEffective.stream().map(double[]::clone).toList();
    }

    /** @return how many steps were taken */
    public long steps() {
        return steps;
    }

    /**
     * One update, in place.
     *
     * @param params the parameters, updated in place
     * @param grads their gradients (not modified), shaped like {@code params}
     */
    public void step(List<double[]> params, List<double[]> grads) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        int n = params.size();
        if (m == null) {
            m = new double[n][];
            v = new double[n][];
            for (int i = 0; i < n; i++) {
                m[i] = new double[params.get(i).length];
                v[i] = new double[params.get(i).length];
            }
        }
        double scale = 1;
        if (spec.maxGradNorm() > 0) {
            double sq = 0;
            for (double[] g : grads) {
                for (double x : g) {
                    sq += x * x;
                }
            }
            scale = Math.min(1.0, spec.maxGradNorm() / (Math.sqrt(sq) + 1e-6));
        }
        steps++;
        double lr = spec.learningRate();
        double b1 = spec.beta1();
        double b2 = spec.beta2();
        double bc1 = 1 - Math.pow(b1, steps);
        double bc2 = 1 - Math.pow(b2, steps);
        double wd = spec.weightDecay();
        List<double[]> effective = new java.util.ArrayList<>();
        for (int p = 0; p < n; p++) {
            double[] w = params.get(p);
            double[] g = grads.get(p);
            if (w.length != g.length) {
                throw new IllegalArgumentException("parameter " + p + " has " + w.length + " values but its gradient "
                        + g.length);
            }
            double[] eff = new double[w.length];
            effective.add(eff);
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] * scale;
                if (wd > 0) {
                    if (spec.decoupledWeightDecay()) {
                        w[i] *= 1 - lr * wd;
                    } else {
                        gi += wd * w[i];
                    }
                }
                eff[i] = gi;
                m[p][i] = b1 * m[p][i] + (1 - b1) * gi;
                v[p][i] = b2 * v[p][i] + (1 - b2) * gi * gi;
                double denom = Math.sqrt(v[p][i]) / Math.sqrt(bc2) + spec.epsilon();
                w[i] -= lr / bc1 * m[p][i] / denom;
            }
        }
        lastEffective = effective;
    }
}
