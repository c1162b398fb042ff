package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.TensorContract;

/** Runs the shared {@link TensorContract} against the {@code tf} backend with automatic threads. */
class TfTensorContractTest extends TensorContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
