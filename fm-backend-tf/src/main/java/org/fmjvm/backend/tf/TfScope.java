package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;

/**
 * A {@link TensorScope} of the {@code tf} backend: the set of live tensors made in it. All scopes of a
 * backend share one eager context, so {@link #keep} only moves the tensor's ownership to the
 * enclosing scope; {@link #close} deletes the native handles of the tensors still owned, which frees
 * their buffers.
 *
 * <p>Confined to the thread that opened it.
 */
final class TfScope implements TensorScope {
    private final TfBackend backend;
    private final TfScope parent;
    private final Thread thread;
    private final Set<TfTensor> tensors = new HashSet<>();
    private boolean closed;

    TfScope(TfBackend backend, TfScope parent) {
        this.backend = backend;
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    void add(TfTensor tensor) {
        tensors.add(tensor);
    }

    /** Forgets a tensor that was closed early. */
    void remove(TfTensor tensor) {
        tensors.remove(tensor);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        TfTensor t = backend.unwrap(tensor, "tensor");
        if (closed) {
            throw new IllegalStateException("keep() on a closed TensorScope");
        }
        if (t.scope() != this) {
            throw new IllegalStateException("keep(): the tensor belongs to another scope; only a tensor owned by this"
                    + " scope can be moved to its enclosing scope");
        }
        if (parent == null) {
            throw new IllegalStateException("keep() in the outermost TensorScope: there is no enclosing scope to move"
                    + " the tensor to; open an outer scope first, or just use the tensor here");
        }
        tensors.remove(t);
        parent.tensors.add(t);
        t.moveTo(parent);
        return tensor;
    }

    @Override
    public int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it ('"
                    + thread.getName() + "')");
        }
        backend.popScope(this);
        releaseAll();
    }

    /** Frees every tensor still owned and marks the scope closed (also used when the backend closes). */
    void releaseAll() {
        closed = true;
        for (TfTensor t : new ArrayList<>(tensors)) {
            t.release();
        }
        tensors.clear();
    }

    @Override
    public String toString() {
        return "TfScope[" + tensors.size() + " tensors" + (closed ? ", closed" : "") + "]";
    }
}
