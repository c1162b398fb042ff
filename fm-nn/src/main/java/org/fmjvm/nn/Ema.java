package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * An exponential moving average of the weights, as PyTorch's
 * {@code torch.optim.swa_utils.get_ema_multi_avg_fn} keeps it: after every optimizer step
 * {@code ema = ema + (1 - decay) (w - ema)} (a {@code lerp} towards the new weights), starting from
 * the initial weights. Sampling from the average is usually smoother than from the last weights.
 * The decay is checked by {@link org.fmjvm.api.model.ModelInputs#emaDecay}, where every module finds it.
 */
public final class Ema {
    private Ema() {
    }

    /**
     * @param average the averaged weights
     * @param params the current weights
     * @param decay the decay, in {@code [0, 1)}
     * @return the new average, one tensor per weight
     */
    public static List<Tensor> update(List<Tensor> average, List<Tensor> params, double decay) {
        List<Tensor> out = new ArrayList<>(average.size());
        for (int i = 0; i < average.size(); i++) {
            Tensor e = average.get(i);
            Tensor diff = params.get(i).sub(e);
            Tensor step = diff.mul(1 - decay);
            out.add(e.add(step));
            diff.close();
            step.close();
        }
        return out;
    }
}
