package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.RandomContract;

/** Runs the shared {@link RandomContract} against the {@code tf} backend with automatic threads. */
class TfRandomContractTest extends RandomContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
