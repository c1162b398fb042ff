package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.NetworkContract;

/** Runs the shared {@link NetworkContract} (fm-nn's Adam, loss and EMA) against the {@code tf} backend. */
class TfNetworkContractTest extends NetworkContract {
    @Override
    protected Backend createBackend() {
        return TfBackend.open();
    }
}
