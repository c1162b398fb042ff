package org.fmjvm.core.coupling;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.testkit.CouplingContract;

/** The coupling contract for {@link MinibatchOtCoupling} with its defaults: a permutation that lowers the transport cost. */
class MinibatchOtCouplingContractTest extends CouplingContract {
    @Override
    protected Coupling coupling() {
        return new MinibatchOtCoupling();
    }

    @Override
    protected boolean reducesTransportCost() {
        return true;
    }
}
