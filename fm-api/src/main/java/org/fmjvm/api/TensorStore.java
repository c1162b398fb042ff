package org.fmjvm.api;

/**
 * Tensors that live until removed or until the store closes, outside the thread's stack of
 * {@link TensorScope}s: a model's weights, optimizer moments and constants. Opened with
 * {@link Backend#openStore()}.
 *
 * <p>A store is confined to one thread at a time; unlike a scope it may be used from another
 * thread later (a model built on one thread and used on another), but never from two at once.
 */
public interface TensorStore extends AutoCloseable {

    /** @return the backend whose tensors this store owns */
    Backend backend();

    /**
     * @param values the elements in row-major order (copied)
     * @param trainable whether gradients with respect to it will be asked for
     *     ({@link Backend#valueAndGradients}); a backend may prepare for that once here
     * @param shape the shape
     * @return a float32 tensor owned by this store
     */
    Tensor create(float[] values, boolean trainable, int... shape);

    /**
     * Moves a tensor from its scope into this store, e.g. a weight computed by an optimizer
     * step.
     *
     * @param tensor a live tensor of this backend, owned by a scope
     * @param trainable as in {@link #create}
     * @return the tensor, now owned by this store
     */
    Tensor adopt(Tensor tensor, boolean trainable);

    /**
     * Frees one tensor of this store now.
     *
     * @param tensor a tensor of this store; null is ignored
     */
    void free(Tensor tensor);

    /** @return how many live tensors the store owns */
    int size();

    /** Frees every tensor of the store. Idempotent. */
    @Override
    void close();
}
