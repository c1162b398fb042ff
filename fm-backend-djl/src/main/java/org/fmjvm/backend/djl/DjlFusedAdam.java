package org.fmjvm.backend.djl;

import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.model.OptimizerSpec;

/**
 * {@link FusedAdam} on libtorch's fused native {@code adamUpdate} (DJL's {@code JniUtils}), one
 * call per parameter instead of a dozen elementwise operations.
 *
 * <p>The kernel computes {@code w -= lr_bc * m / (sqrt(v) + eps')} with
 * {@code lr_bc = lr sqrt(1 - b2^t) / (1 - b1^t)}; the documented update computes
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Multiplying that numerator and
 * denominator by {@code sqrt(1 - b2^t)} shows they agree exactly when
 * {@code eps' = eps sqrt(1 - b2^t)}, which is what is passed. The kernel's decoupled decay is
 * {@code w -= lr wd w} before the update (AdamW); otherwise it adds {@code wd w} to the gradient
 * (Adam's L2). Global-norm clipping arrives as the kernel's {@code rescaleGrad}; its own
 * {@code clipGrad} clamps from above only (a DJL quirk) and is disabled.
 *
 * <p>One known difference from PyTorch: the kernel forms {@code 1 - beta} in float32, so with
 * {@code beta2 = 0.999} the second moment's new-gradient coefficient is {@code 9.99987e-4} instead
 * of {@code 1e-3} (1.3e-5 relative); the step moves by about half that through {@code sqrt(v)}.
 * fm-testkit's OpsContract bounds it.
 */
final class DjlFusedAdam implements FusedAdam {
    private final DjlBackend backend;

    DjlFusedAdam(DjlBackend backend) {
        this.backend = backend;
    }

    @Override
    public void update(Tensor weight, Tensor gradient, Tensor m, Tensor v, Step step) {
        PtNDArray w = backend.unwrap(weight, "weight").array();
        PtNDArray g = backend.unwrap(gradient, "gradient").array();
        PtNDArray mean = backend.unwrap(m, "m").array();
        PtNDArray variance = backend.unwrap(v, "v").array();
        OptimizerSpec spec = step.spec();
        double bc1 = 1 - Math.pow(spec.beta1(), step.step());
        double bc2 = 1 - Math.pow(spec.beta2(), step.step());
        float lr = (float) step.learningRate();
        float lrCorrected = (float) (step.learningRate() * Math.sqrt(bc2) / bc1);
        float eps = (float) (spec.epsilon() * Math.sqrt(bc2));
        boolean decoupled = spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        try {
            NativeThreads.use(backend.opThreads());
            JniUtils.adamUpdate(w, g, mean, variance, lr, lrCorrected, (float) spec.weightDecay(),
                    (float) step.gradientScale(), -1f, (float) spec.beta1(), (float) spec.beta2(), eps, decoupled);
        } catch (EngineException e) {
            throw backend.nativeFailure("adamUpdate", e);
        }
    }
}
