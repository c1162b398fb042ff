package org.fmjvm.backend.tf;

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
final class TfScope implements TensorScope {
    private final TfBackend backend;
    private final OwnedTensors<TfScope, TfTensor> owned;

    TfScope(TfBackend backend, TfScope enclosing) {
        this.backend = backend;
        this.owned = new OwnedTensors<>(this, enclosing == null ? null : enclosing.owned);
    }

    void add(TfTensor tensor) {
        owned.add(tensor);
    }

    /** Forgets a tensor that was closed early. */
    void remove(TfTensor tensor) {
        owned.remove(tensor);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor keep(Tensor tensor) {
        TfTensor t = backend.unwrap(tensor, "tensor");
        t.moveTo(owned.keep(t, t.scope()));
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
