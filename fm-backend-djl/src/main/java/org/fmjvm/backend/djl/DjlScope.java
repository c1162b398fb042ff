package org.fmjvm.backend.djl;

import ai.djl.pytorch.engine.PtNDManager;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.backend.OwnedTensors;

/**
 * A {@link TensorScope} of the {@code djl} backend: a DJL sub-manager that owns the native arrays
 * of the scope's tensors (and any temporary DJL made in it), plus fm-api's {@link OwnedTensors}
 * for the bookkeeping of the live tensor wrappers. {@code keep} re-attaches the array to the
 * enclosing scope's manager; closing the scope marks its tensors closed and closes the manager,
 * which frees the native memory.
 *
 * <p>Confined to the thread that opened it.
 */
final class DjlScope implements TensorScope {
    private final DjlBackend backend;
    private final PtNDManager manager;
    private final OwnedTensors<DjlScope, DjlTensor> owned;
    /** Whether this is a {@link DjlStore}'s scope, never on a thread's stack. */
    private boolean store;

    DjlScope(DjlBackend backend, DjlScope enclosing, PtNDManager manager) {
        this.backend = backend;
        this.manager = manager;
        this.owned = new OwnedTensors<>(this, enclosing == null ? null : enclosing.owned);
    }

    PtNDManager manager() {
        return manager;
    }

    void add(DjlTensor tensor) {
        owned.add(tensor);
    }

    /** Forgets a tensor that was closed early. */
    void remove(DjlTensor tensor) {
        owned.remove(tensor);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        DjlTensor t = backend.unwrap(tensor, "tensor");
        DjlScope enclosing = owned.keep(t, t.scope());
        t.array().attach(enclosing.manager);
        t.moveTo(enclosing);
        return tensor;
    }

    @Override
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (owned.close(backend.scopes(), DjlTensor::markReleased)) {
            manager.close();
        }
    }

    /**
     * Closes a scope that was never pushed on a thread's stack (a {@link DjlStore}'s): marks its
     * tensors closed and frees its manager. Idempotent.
     */
    void markStore() {
        store = true;
    }

    boolean isStore() {
        return store;
    }

    void closeDetached() {
        if (!owned.isClosed()) {
            owned.releaseAll(DjlTensor::markReleased);
            manager.close();
        }
    }

    @Override
    public String toString() {
        return "DjlScope[" + owned + "]";
    }
}
