package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.ModelContract;

/** Runs the shared {@link ModelContract} against the {@code tf} backend with automatic threads. */
class TfModelContractTest extends ModelContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
