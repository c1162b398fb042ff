package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.model.OptimizerSpec;

/**
 * Adam and AdamW with PyTorch's semantics ({@code torch.optim.Adam}, {@code torch.optim.AdamW}),
 * plus global-norm clipping as {@code torch.nn.utils.clip_grad_norm_} does it, written once over
 * the op set. For step {@code t} (from 1), gradient {@code g}:
 *
 * <ol>
 *   <li>clipping: {@code g *= min(1, maxNorm / (||G|| + 1e-6))}, {@code ||G||} the Euclidean norm of
 *       all gradients together;
 *   <li>L2 decay (Adam): {@code g += wd w}; decoupled decay (AdamW): {@code w *= 1 - lr wd};
 *   <li>{@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2};
 *   <li>{@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 * </ol>
 *
 * The learning rate and the bias corrections enter as scalar tensors ({@link #scalars}), so a
 * traced update serves every step and every learning rate. A backend with a native kernel for the
 * same update ({@link FusedAdam}) runs {@link #fusedStep} instead.
 */
public final class Adam {
    private Adam() {
    }

    /**
     * The per-step scalars of {@link #update}, computed in double precision.
     *
     * @param spec the optimizer
     * @param learningRate this step's rate
     * @param step the step number, from 1
     * @return {@code {lr / (1 - b1^t), sqrt(1 - b2^t), 1 - lr wd}}
     */
    public static float[] scalars(OptimizerSpec spec, double learningRate, long step) {
        double bc1 = 1 - Math.pow(spec.beta1(), step);
        double bc2 = 1 - Math.pow(spec.beta2(), step);
        return new float[] {(float) (learningRate / bc1), (float) Math.sqrt(bc2),
            (float) (1 - learningRate * spec.weightDecay())};
    }

    /**
     * @param gradients every parameter's gradient
     * @param maxNorm the largest norm allowed
     * @return {@code min(1, maxNorm / (||G|| + 1e-6))} as a scalar tensor
     */
    public static Tensor clipScale(List<Tensor> gradients, double maxNorm) {
        Tensor sumSquares = null;
        for (Tensor g : gradients) {
            Tensor squares = g.square();
            Tensor s = squares.sum();
            squares.close();
            if (sumSquares == null) {
                sumSquares = s;
            } else {
                Tensor next = sumSquares.add(s);
                sumSquares.close();
                s.close();
                sumSquares = next;
            }
        }
        Tensor norm = sumSquares.sqrt();
        Tensor denominator = norm.add(1e-6);
        Tensor limit = norm.backend().full(maxNorm);
        Tensor ratio = limit.div(denominator);
        Tensor scale = ratio.minimum(1);
        for (Tensor t : new Tensor[] {sumSquares, norm, denominator, limit, ratio}) {
            t.close();
        }
        return scale;
    }

    /**
     * New weights and moments, as op-set tensors.
     *
     * @param params the new weights
     * @param firstMoments the new {@code m}
     * @param secondMoments the new {@code v}
     */
    public record Update(List<Tensor> params, List<Tensor> firstMoments, List<Tensor> secondMoments) {
    }

    /**
     * One step, written over the op set (traceable: no value is read back).
     *
     * @param spec the optimizer
     * @param params the weights
     * @param gradients their gradients
     * @param m the first moments
     * @param v the second moments
     * @param stepSize {@code lr / (1 - b1^t)}, a scalar tensor ({@link #scalars})
     * @param sqrtBc2 {@code sqrt(1 - b2^t)}, a scalar tensor
     * @param decay {@code 1 - lr wd}, a scalar tensor (used by AdamW only)
     * @return the new weights and moments
     */
    public static Update update(OptimizerSpec spec, List<Tensor> params, List<Tensor> gradients, List<Tensor> m,
            List<Tensor> v, Tensor stepSize, Tensor sqrtBc2, Tensor decay) {
        List<Tensor> grads = gradients;
        if (spec.clipsGradients()) {
            Tensor scale = clipScale(gradients, spec.maxGradNorm());
            grads = new ArrayList<>(gradients.size());
            for (Tensor g : gradients) {
                grads.add(g.mul(scale));
            }
        }
        boolean decoupled = spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        boolean l2 = !spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        List<Tensor> newParams = new ArrayList<>(params.size());
        List<Tensor> newM = new ArrayList<>(params.size());
        List<Tensor> newV = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            Tensor w = params.get(i);
            Tensor g = grads.get(i);
            if (l2) {
                g = g.add(w.mul(spec.weightDecay()));
            }
            Tensor mi = m.get(i).mul(spec.beta1()).add(g.mul(1 - spec.beta1()));
            Tensor vi = v.get(i).mul(spec.beta2()).add(g.square().mul(1 - spec.beta2()));
            Tensor denominator = vi.sqrt().div(sqrtBc2).add(spec.epsilon());
            Tensor base = decoupled ? w.mul(decay) : w;
            newParams.add(base.sub(mi.div(denominator).mul(stepSize)));
            newM.add(mi);
            newV.add(vi);
        }
        return new Update(newParams, newM, newV);
    }

    /**
     * The same step with a backend's native kernel, in place on store tensors; reads the clipping
     * factor back to Java, so it runs eagerly only.
     *
     * @param kernel the backend's kernel
     * @param spec the optimizer
     * @param learningRate this step's rate
     * @param step the step number, from 1
     * @param params the weights (store tensors, updated in place)
     * @param gradients their gradients
     * @param m the first moments (updated in place)
     * @param v the second moments (updated in place)
     */
    public static void fusedStep(FusedAdam kernel, OptimizerSpec spec, double learningRate, long step,
            List<Tensor> params, List<Tensor> gradients, List<Tensor> m, List<Tensor> v) {
        double scale = 1;
        if (spec.clipsGradients()) {
            try (Tensor s = clipScale(gradients, spec.maxGradNorm())) {
                scale = s.item();
            }
        }
        FusedAdam.Step scalars = new FusedAdam.Step(spec, learningRate, step, scale);
        for (int i = 0; i < params.size(); i++) {
            kernel.update(params.get(i), gradients.get(i), m.get(i), v.get(i), scalars);
        }
    }
}
