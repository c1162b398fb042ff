package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.ScopeContract;

/** Runs the shared {@link ScopeContract} against the {@code djl} backend with adaptive threads. */
class DjlScopeContractTest extends ScopeContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
