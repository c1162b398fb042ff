package org.fmjvm.backend.djl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

import ai.djl.pytorch.engine.PtNDManager;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;

/**
 * A {@link TensorScope} of the {@code djl} backend: a DJL sub-manager that owns the native arrays
 * of the scope's tensors (and any temporary DJL made in it), plus the set of live tensor wrappers
 * for bookkeeping. Closing the scope marks its tensors closed and closes the manager, which frees
 * the native memory.
 *
 * <p>Confined to the thread that opened it.
 */
final class DjlScope implements TensorScope {
    private final DjlBackend backend;
    private final DjlScope parent;
    private final PtNDManager manager;
    private final Thread thread;
    private final Set<DjlTensor> tensors = new HashSet<>();
    private boolean closed;

    DjlScope(DjlBackend backend, DjlScope parent, PtNDManager manager) {
        this.backend = backend;
        this.parent = parent;
        this.manager = manager;
        this.thread = Thread.currentThread();
    }

    PtNDManager manager() {
        return manager;
    }

    Thread thread() {
        return thread;
    }

    void add(DjlTensor tensor) {
        tensors.add(tensor);
    }

    /** Forgets a tensor that was closed early. */
    void remove(DjlTensor tensor) {
        tensors.remove(tensor);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        DjlTensor t = backend.unwrap(tensor, "tensor");
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
        t.array().attach(parent.manager);
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
        closed = true;
        for (DjlTensor t : new ArrayList<>(tensors)) {
            t.markReleased();
        }
        tensors.clear();
        manager.close();
    }

    @Override
    public String toString() {
        return "DjlScope[" + tensors.size() + " tensors" + (closed ? ", closed" : "") + "]";
    }
}
