package org.fmjvm.api.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;

/**
 * What one open {@link TensorScope} owns, for backend implementors: the live tensors made in it,
 * the enclosing scope, the thread that opened it, whether it is closed, and the bookkeeping of
 * {@link TensorScope#keep} and {@link TensorScope#close} with the contract's checks and messages.
 * A backend's scope class holds one and adds only what its engine needs (re-attaching native
 * memory on {@code keep}, freeing an arena on {@code close}):
 *
 * <pre>{@code
 * final class MyScope implements TensorScope {
 *     private final MyBackend backend;
 *     private final OwnedTensors<MyScope, MyTensor> owned;
 *
 *     MyScope(MyBackend backend, MyScope enclosing) {
 *         this.backend = backend;
 *         this.owned = new OwnedTensors<>(this, enclosing == null ? null : enclosing.owned);
 *     }
 *
 *     public Tensor keep(Tensor tensor) {
 *         MyTensor t = backend.unwrap(tensor, "tensor");
 *         t.moveTo(owned.keep(t, t.scope()));
 *         return tensor;
 *     }
 *
 *     public void close() {
 *         owned.close(backend.scopes(), MyTensor::release);
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: confined to the thread that opened the scope, like the scope itself.
 * {@link #close} checks that it runs there; {@link #releaseAll} is for a backend that frees
 * the scopes still open when it closes, after the work on other threads has ended.
 *
 * @param <S> the backend's scope type
 * @param <T> the backend's tensor type
 */
public final class OwnedTensors<S extends TensorScope, T extends Tensor> {
    private final S scope;
    private final OwnedTensors<S, T> enclosing;
    private final Thread thread;
    /**
     * By identity, in an open-addressing table: adding and removing a tensor allocate nothing, which
     * matters on the training path (every result of every step passes through a scope).
     */
    private final Set<T> tensors = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /**
     * Call on the thread that opens the scope: that thread is the only one allowed to close it.
     *
     * @param scope the scope these are the belongings of
     * @param enclosing what the enclosing scope owns, or {@code null} for an outermost scope
     */
    public OwnedTensors(S scope, OwnedTensors<S, T> enclosing) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.enclosing = enclosing;
        this.thread = Thread.currentThread();
    }

    /** @param tensor a tensor just made in this scope */
    public void add(T tensor) {
        tensors.add(tensor);
    }

    /** @param tensor a tensor of this scope that was closed early, to forget */
    public void remove(T tensor) {
        tensors.remove(tensor);
    }

    /** @return how many live tensors the scope owns, for {@link TensorScope#size()} */
    public int size() {
        return tensors.size();
    }

    /** @return whether the scope was closed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The bookkeeping of {@link TensorScope#keep}: checks that the tensor may move, then moves it
     * from this scope's tensors to the enclosing scope's. The caller then moves whatever native
     * memory its engine ties to a scope, and records the tensor's new owner.
     *
     * @param tensor a live tensor of this backend
     * @param owner the scope that owns it now
     * @return the enclosing scope, the tensor's new owner
     * @throws IllegalStateException if this scope is closed, the tensor belongs to another scope, or
     *     this is the outermost scope (there is nothing to move to)
     */
    public S keep(T tensor, S owner) {
        if (closed) {
            throw new IllegalStateException("keep() on a closed TensorScope");
        }
        if (owner != scope) {
            throw new IllegalStateException("keep(): the tensor belongs to another scope; only a tensor owned by this"
                    + " scope can be moved to its enclosing scope");
        }
        if (enclosing == null) {
            throw new IllegalStateException("keep() in the outermost TensorScope: there is no enclosing scope to move"
                    + " the tensor to; open an outer scope first, or just use the tensor here");
        }
        tensors.remove(tensor);
        enclosing.tensors.add(tensor);
        return enclosing.scope;
    }

    /**
     * The bookkeeping of {@link TensorScope#close}: the first call takes the scope off the calling
     * thread's stack, marks it closed and releases every tensor it still owns; later calls do
     * nothing (closing twice is harmless).
     *
     * @param stack the backend's scope stacks
     * @param release frees one tensor's native memory, or marks it closed where the engine frees
     *     the scope's memory as a whole; called once per tensor
     * @return {@code true} if the scope closed now (the caller frees what else the scope holds),
     *     {@code false} if it was already closed
     * @throws IllegalStateException if called on another thread than the one that opened the scope,
     *     or while a scope opened inside it is still open; the scope then stays open
     */
    public boolean close(ScopeStack<S> stack, Consumer<? super T> release) {
        if (closed) {
            return false;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it ('"
                    + thread.getName() + "')");
        }
        stack.pop(scope);
        releaseAll(release);
        return true;
    }

    /**
     * Marks the scope closed and releases every tensor it still owns, without touching any
     * thread's scope stack: for a backend that frees the scopes still open when it closes.
     *
     * @param release frees or marks one tensor, called once per tensor
     */
    public void releaseAll(Consumer<? super T> release) {
        closed = true;
        for (T t : new ArrayList<>(tensors)) {
            release.accept(t);
        }
        tensors.clear();
    }

    /** @return e.g. {@code 3 tensors} or {@code 0 tensors, closed} */
    @Override
    public String toString() {
        return tensors.size() + " tensors" + (closed ? ", closed" : "");
    }
}
