package org.fmjvm.api;

/**
 * Owns tensors and frees them on {@link #close()}. Opened with {@link Backend#openScope()}, a scope
 * becomes the <i>current</i> scope of the opening thread: every tensor created on that thread until
 * the scope closes (or a nested scope opens) belongs to it. Scopes nest and must close in reverse
 * order of opening, which try-with-resources guarantees:
 *
 * <pre>{@code
 * try (TensorScope step = backend.openScope()) {
 *     Tensor v = model.velocity(t, x);
 *     next = step.keep(x.add(v.mul(h)));   // survives into the enclosing scope
 * }                                          // v and every temporary are freed here
 * }</pre>
 *
 * The trainer and the solvers open one scope per step, so native memory does not grow over a long
 * run. A scope is confined to the thread that opened it.
 */
public interface TensorScope extends AutoCloseable {

    /** @return the backend whose tensors this scope owns */
    Backend backend();

    /**
     * Moves a tensor owned by this scope into the enclosing scope, so it survives this scope's
     * {@link #close()}.
     *
     * @param tensor a tensor owned by this scope
     * @return {@code tensor}, for chaining
     * @throws IllegalStateException if this is the outermost scope (there is nothing to move to) or
     *     the tensor belongs to another scope
     */
    Tensor keep(Tensor tensor);

    /** @return how many live tensors this scope owns right now */
    int size();

    /**
     * Frees every tensor this scope still owns and makes the enclosing scope current again.
     *
     * @throws IllegalStateException if a scope opened inside this one is still open
     */
    @Override
    void close();
}
