package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.TensorContract;

/** Runs the shared {@link TensorContract} against the {@code djl} backend with adaptive threads. */
class DjlTensorContractTest extends TensorContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
