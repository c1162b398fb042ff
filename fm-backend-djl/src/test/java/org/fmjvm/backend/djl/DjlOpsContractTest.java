package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.OpsContract;

/** Runs the shared {@link OpsContract} against the {@code djl} backend with adaptive threads. */
class DjlOpsContractTest extends OpsContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
