package org.fmjvm.backend.djl;

import java.nio.FloatBuffer;

import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;

/**
 * Adam / AdamW with PyTorch's semantics on top of DJL's fused native {@code adamUpdate}.
 *
 * <p>The native kernel computes {@code w -= lr_bc * m / (sqrt(v) + eps')} with
 * {@code lr_bc = lr sqrt(1 - b2^t) / (1 - b1^t)}; PyTorch computes
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Multiplying PyTorch's
 * numerator and denominator by {@code sqrt(1 - b2^t)} shows they agree exactly when
 * {@code eps' = eps sqrt(1 - b2^t)}, which is what is passed. Decoupled decay in the kernel is
 * {@code w -= lr wd w} before the update (AdamW); otherwise {@code wd w} is added to the gradient
 * (Adam's L2).
 *
 * <p>The kernel's own {@code clipGrad} clamps only from above (a DJL quirk), so it is disabled;
 * global-norm clipping is done here as {@code torch.nn.utils.clip_grad_norm_} does: the gradients
 * are rescaled by {@code min(1, maxNorm / (||g|| + 1e-6))} through the kernel's
 * {@code rescaleGrad}. The norm is a full reduction over every gradient element; libtorch splits
 * large reductions between threads, and the split changes the summation order, so the norm is
 * computed on one thread: the update then does not depend on the thread count (the rest of the
 * step is elementwise or reduces per output, which libtorch keeps in a fixed order). Gradients are
 * zeroed after every update (PyTorch accumulates them).
 *
 * <p>Moments live in the model's manager. Not thread-safe.
 */
final class DjlAdam {
    private final OptimizerSpec spec;
    private final PtNDManager manager;
    private final PtNDArray[] params;
    private final PtNDArray[] means;
    private final PtNDArray[] variances;
    private long steps;
    private double learningRate;

    DjlAdam(OptimizerSpec spec, PtNDArray[] params, PtNDManager manager) {
        this.spec = spec;
        this.manager = manager;
        this.params = params.clone();
        this.means = new PtNDArray[params.length];
        this.variances = new PtNDArray[params.length];
        this.learningRate = spec.learningRate();
        for (int i = 0; i < params.length; i++) {
            means[i] = (PtNDArray) manager.zeros(params[i].getShape(), DataType.FLOAT32);
            variances[i] = (PtNDArray) manager.zeros(params[i].getShape(), DataType.FLOAT32);
        }
    }

    OptimizerSpec spec() {
        return spec;
    }

    long steps() {
        return steps;
    }

    double learningRate() {
        return learningRate;
    }

    void learningRate(double rate) {
        this.learningRate = ModelInputs.learningRate(rate);
    }

    /**
     * @param model the architecture the parameters follow
     * @return the steps, rate and moments, copied to the host
     */
    OptimizerState state(ModelSpec model) {
        float[][] m = new float[params.length][];
        float[][] v = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            m[i] = means[i].toFloatArray();
            v[i] = variances[i].toFloatArray();
        }
        return OptimizerState.of(model, steps, learningRate, m, v);
    }

    /**
     * Replaces the moments with copies of {@code state}'s (made as the initial zeros were), then the
     * step count and rate.
     *
     * @param model the architecture the parameters follow
     * @param state the state to continue from
     */
    void restore(ModelSpec model, OptimizerState state) {
        state.requireMatches(model);
        double rate = ModelInputs.learningRate(state.learningRate());
        for (int i = 0; i < params.length; i++) {
            means[i] = replace(means[i], state.firstMoment(i));
            variances[i] = replace(variances[i], state.secondMoment(i));
        }
        steps = state.steps();
        learningRate = rate;
    }

    private PtNDArray replace(PtNDArray old, float[] values) {
        PtNDArray fresh = (PtNDArray) manager.create(FloatBuffer.wrap(values), old.getShape(), DataType.FLOAT32);
        old.close();
        return fresh;
    }

    /**
     * Applies one update from the gradients currently held by the parameters, then zeroes them.
     *
     * @param tmp where the gradient wrappers and temporaries go
     * @param threads the calling thread's native thread count for this step
     */
    void step(PtNDManager tmp, int threads) {
        PtNDArray[] grads = new PtNDArray[params.length];
        for (int i = 0; i < params.length; i++) {
            grads[i] = DjlMlp.own(params[i].getGradient(), tmp);
        }
        float rescale = 1f;
        if (spec.clipsGradients()) {
            NativeThreads.use(1);
            double sumSquares = 0;
            for (PtNDArray g : grads) {
                sumSquares += JniUtils.sum(JniUtils.square(g)).toFloatArray()[0];
            }
            NativeThreads.use(threads);
            double norm = Math.sqrt(sumSquares);
            rescale = (float) Math.min(1.0, spec.maxGradNorm() / (norm + 1e-6));
        }
        steps++;
        double bc1 = 1 - Math.pow(spec.beta1(), steps);
        double bc2 = 1 - Math.pow(spec.beta2(), steps);
        float lr = (float) learningRate;
        float lrCorrected = (float) (learningRate * Math.sqrt(bc2) / bc1);
        float eps = (float) (spec.epsilon() * Math.sqrt(bc2));
        float wd = (float) spec.weightDecay();
        boolean decoupled = spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        float b1 = (float) spec.beta1();
        float b2 = (float) spec.beta2();
        for (int i = 0; i < params.length; i++) {
            JniUtils.adamUpdate(params[i], grads[i], means[i], variances[i], lr, lrCorrected, wd, rescale, -1f, b1, b2,
                    eps, decoupled);
            JniUtils.zeroGrad(params[i]);
        }
    }
}
