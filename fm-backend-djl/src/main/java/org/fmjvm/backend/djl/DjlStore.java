package org.fmjvm.backend.djl;

import java.nio.FloatBuffer;
import java.util.Objects;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorStore;

/**
 * A {@link TensorStore} of the {@code djl} backend: a scope that is never pushed on a thread's
 * stack, with its own sub-manager of the backend's root manager. A trainable tensor is a libtorch
 * leaf that requires gradients, so {@link DjlBackend#valueAndGradients} differentiates with respect
 * to it in place (its gradient buffer is reused from step to step, as PyTorch's {@code .grad} is).
 */
final class DjlStore implements TensorStore {
    private final DjlBackend backend;
    private final DjlScope scope;

    DjlStore(DjlBackend backend, PtNDManager manager) {
        this.backend = backend;
        manager.setName("fm-djl-store");
        this.scope = new DjlScope(backend, null, manager);
        scope.markStore();
    }

    @Override
    public DjlBackend backend() {
        return backend;
    }

    @Override
    public Tensor create(float[] values, boolean trainable, int... shape) {
        Objects.requireNonNull(values, "values");
        Shapes.requireElementCount(values.length, shape);
        backend.checkOpen();
        PtNDArray a;
        try {
            a = scope.manager().create(FloatBuffer.wrap(values), DjlBackend.toShape(shape), DataType.FLOAT32);
            if (trainable) {
                a.setRequiresGradient(true);
            }
        } catch (EngineException e) {
            throw backend.nativeFailure("store.create", e);
        }
        return backend.adopt(a, scope);
    }

    @Override
    public Tensor adopt(Tensor tensor, boolean trainable) {
        DjlTensor t = backend.unwrap(tensor, "tensor");
        if (t.scope() == scope) {
            return t;
        }
        PtNDArray a = t.array();
        if (trainable && !JniUtils.requiresGrad(a)) {
            // a computed tensor is not a leaf: detach it into a fresh leaf that records gradients
            PtNDArray leaf = JniUtils.detachGradient(a);
            leaf.setRequiresGradient(true);
            t.close();
            return backend.adopt(leaf, scope);
        }
        t.scope().remove(t);
        a.attach(scope.manager());
        t.moveTo(scope);
        scope.add(t);
        return t;
    }

    @Override
    public void free(Tensor tensor) {
        if (tensor != null) {
            DjlTensor t = backend.unwrap(tensor, "tensor");
            if (t.scope() != scope) {
                throw new IllegalArgumentException("free(): the tensor belongs to a scope, not to this store");
            }
            t.close();
        }
    }

    /** @return whether {@code t} belongs to this store */
    boolean owns(DjlTensor t) {
        return t.scope() == scope;
    }

    @Override
    public int size() {
        return scope.size();
    }

    @Override
    public void close() {
        scope.closeDetached();
        backend.storeClosed(this);
    }

    @Override
    public String toString() {
        return "DjlStore[" + scope + "]";
    }
}
