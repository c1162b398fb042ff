package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.MemoryContract;

/**
 * Runs the shared {@link MemoryContract} against the {@code tf} backend, counting every native
 * tensor handle it holds (scopes' tensors and models' weights and optimizer state).
 */
class TfMemoryTest extends MemoryContract {
    TfMemoryTest() {
        super("native handles", backend -> ((TfBackend) backend).nativeHandles());
    }

    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
