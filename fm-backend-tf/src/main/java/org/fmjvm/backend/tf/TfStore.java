package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorStore;

/**
 * A {@link TensorStore} of the {@code tf} backend: {@link TfTensor}s whose native handles are owned
 * here rather than by a scope, so they survive every {@link TfScope} until {@link #free} or
 * {@link #close}. Store tensors are ordinary tensors otherwise: operations on them work as usual
 * (their results go to the caller's current scope), and they can be passed to compiled functions
 * and gradient computations directly, with no copy. They are not counted in
 * {@link TfBackend#liveTensors()} (which watches the scopes) but in {@link #size()}.
 *
 * <p>{@code trainable} needs no preparation on TensorFlow (gradients are symbolic, see
 * {@link TfBackend#valueAndGradients}) and is ignored. {@link #create} always makes a real tensor,
 * also while a function is being traced on the thread: a store is outside traces.
 *
 * <p>Used by one thread at a time; the methods synchronise so that the backend can close a store
 * from another thread after the work has ended.
 */
final class TfStore implements TensorStore, TfOwner {
    private final TfBackend backend;
    private final Set<TfTensor> tensors = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    TfStore(TfBackend backend) {
        this.backend = backend;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public synchronized Tensor create(float[] values, boolean trainable, int... shape) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(shape, "shape");
        Shapes.requireElementCount(values.length, shape);
        checkOpen("create");
        backend.checkOpen();
        int[] dims = shape.clone();
        return backend.adopt(() -> backend.runtime().floats(values, dims), this);
    }

    @Override
    public synchronized Tensor adopt(Tensor tensor, boolean trainable) {
        Objects.requireNonNull(tensor, "tensor");
        checkOpen("adopt");
        if (tensor instanceof TfSymbol s) {
            throw new IllegalStateException("adopt: " + s + " is symbolic (a value of a function being traced), not a"
                    + " tensor; return it from the compiled function and adopt the result of the call instead");
        }
        TfTensor t = backend.unwrap(tensor, "tensor");
        TfOwner owner = t.owner();
        if (owner == this) {
            return t;
        }
        if (owner instanceof TfStore) {
            throw new IllegalArgumentException("adopt: tensor " + Arrays.toString(t.shape()) + " belongs to another"
                    + " TensorStore; free it there or copy it (tensor.mul(1)) before adopting the copy");
        }
        owner.remove(t);
        t.moveTo(this);
        tensors.add(t);
        return t;
    }

    @Override
    public synchronized void free(Tensor tensor) {
        if (tensor == null) {
            return;
        }
        if (!(tensor instanceof TfTensor t) || t.owner() != this) {
            throw new IllegalArgumentException("free: " + tensor + " is not a live tensor of this TensorStore; only"
                    + " tensors made by create() or adopt() of this store can be freed here (close() a scope's"
                    + " tensor instead)");
        }
        t.close(); // harmless if it was freed before
    }

    @Override
    public synchronized void add(TfTensor tensor) {
        tensors.add(tensor);
    }

    /** Forgets a tensor closed early (by {@link #free} or by {@link TfTensor#close()}). */
    @Override
    public synchronized void remove(TfTensor tensor) {
        tensors.remove(tensor);
    }

    @Override
    public synchronized int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        ArrayList<TfTensor> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(tensors);
            tensors.clear();
        }
        for (TfTensor t : all) {
            t.release();
        }
        backend.storeClosed(this);
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + " on a closed TensorStore; open a new one with backend.openStore()");
        }
    }

    @Override
    public synchronized String toString() {
        return "TfStore[" + tensors.size() + " tensors" + (closed ? ", closed" : "") + "]";
    }
}
