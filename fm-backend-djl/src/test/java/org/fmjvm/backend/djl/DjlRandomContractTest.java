package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.RandomContract;

/** Runs the shared {@link RandomContract} against the {@code djl} backend with adaptive threads. */
class DjlRandomContractTest extends RandomContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
