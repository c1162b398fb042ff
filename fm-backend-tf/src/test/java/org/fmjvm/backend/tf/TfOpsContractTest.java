package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.OpsContract;

/** Runs the shared {@link OpsContract} against the {@code tf} backend with automatic threads. */
class TfOpsContractTest extends OpsContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
