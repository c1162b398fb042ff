package org.fmjvm.nn;

import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelWeights;

/**
 * A velocity network written once over fm-api's op set: it declares its parameters by name and
 * computes {@code v(t, x[, condition])} from them with {@link Tensor} operations only. Any backend
 * runs it, eagerly or traced into a graph; a new architecture needs no backend code.
 *
 * <p>{@link #forward} must not read values back to Java or branch on them (see
 * {@link org.fmjvm.api.autodiff.TensorFunction}); it may close intermediate tensors it made.
 */
public interface Network {

    /** @return the data dimension {@code D}: {@code x} and {@code v} are {@code [B, D]} */
    int dim();

    /** @return the trainable parameters, in the order checkpoints store them */
    List<ParamSpec> parameters();

    /** @return fixed tensors the forward pass reads by name (not trained, not stored); none by default */
    default List<ModelWeights.Parameter> buffers() {
        return List.of();
    }

    /**
     * @param params the parameters and buffers, by name
     * @param input times {@code [B, 1]}, points {@code [B, D]} and the condition, if any
     * @return the velocity {@code [B, D]}
     */
    Tensor forward(Params params, ModelInput input);

    /** @return one line for logs, e.g. {@code mlp 3-256-256-2 silu raw} */
    String describe();
}
