package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.NetworkContract;

/** Runs the shared {@link NetworkContract} (fm-nn's Adam, loss and EMA) against the {@code djl} backend. */
class DjlNetworkContractTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return DjlBackend.open();
    }
}
