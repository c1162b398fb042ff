package org.fmjvm.backend.tf;

import java.util.Arrays;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.backend.OwnedTensors;

/**
 * A {@link TensorScope} of the {@code tf} backend: the live tensors made in it, kept by fm-api's
 * {@link OwnedTensors}. All scopes of a backend share one eager context, so {@link #keep} only moves
 * the tensor's ownership to the enclosing scope; {@link #close} deletes the native handles of the
 * tensors still owned, which frees their buffers.
 *
 * <p>Confined to the thread that opened it.
 */
final class TfScope implements TensorScope, TfOwner {
    private final TfBackend backend;
    private final OwnedTensors<TfScope, TfTensor> owned;

    TfScope(TfBackend backend, TfScope enclosing) {
        this.backend = backend;
        this.owned = new OwnedTensors<>(this, enclosing == null ? null : enclosing.owned);
    }

    @Override
    public void add(TfTensor tensor) {
        owned.add(tensor);
    }

    @Override
    public void remove(TfTensor tensor) {
        owned.remove(tensor);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /**
     * Moves a tensor to the enclosing scope. A symbolic tensor of the function being traced on this
     * thread is returned as it is: symbols belong to their trace, not to a scope, so functions
     * written for eager backends ({@code try (scope) { ... return scope.keep(out); }}) trace
     * unchanged.
     */
    @Override
    public Tensor keep(Tensor tensor) {
        if (backend.isSymbolOfActiveTrace(tensor)) {
            return tensor;
        }
        TfTensor t = backend.unwrap(tensor, "tensor");
        if (t.owner() instanceof TfStore) {
            throw new IllegalStateException("keep(): tensor " + Arrays.toString(t.shape())
                    + " is owned by a TensorStore and already outlives every scope; there is nothing to keep");
        }
        t.moveTo(owned.keep(t, (TfScope) t.owner()));
        return tensor;
    }

    @Override
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (owned.close(backend.scopes(), TfTensor::release)) {
            backend.scopeClosed(this);
        }
    }

    /** Frees every tensor still owned and marks the scope closed (used when the backend closes). */
    void releaseAll() {
        owned.releaseAll(TfTensor::release);
    }

    @Override
    public String toString() {
        return "TfScope[" + owned + "]";
    }
}
