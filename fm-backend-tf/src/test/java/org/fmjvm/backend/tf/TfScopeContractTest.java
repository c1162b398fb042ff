package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.ScopeContract;

/** Runs the shared {@link ScopeContract} against the {@code tf} backend with automatic threads. */
class TfScopeContractTest extends ScopeContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
