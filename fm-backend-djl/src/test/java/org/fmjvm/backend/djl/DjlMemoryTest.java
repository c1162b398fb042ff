package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.MemoryContract;

/**
 * Runs the shared {@link MemoryContract} against the {@code djl} backend, counting every native
 * array of its root manager (scopes' tensors and models' weights and optimizer state).
 */
class DjlMemoryTest extends MemoryContract {
    DjlMemoryTest() {
        super("native arrays", backend -> ((DjlBackend) backend).nativeArrays());
    }

    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
