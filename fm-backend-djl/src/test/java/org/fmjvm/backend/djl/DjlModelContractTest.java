package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.ModelContract;

/** Runs the shared {@link ModelContract} against the {@code djl} backend with adaptive threads. */
class DjlModelContractTest extends ModelContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
