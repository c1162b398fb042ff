package org.fmjvm.core.coupling;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.testkit.CouplingContract;

/** The coupling contract for {@link SchrodingerBridgeCoupling} with its defaults: a permutation that lowers the transport cost. */
class SchrodingerBridgeCouplingContractTest extends CouplingContract {
    @Override
    protected Coupling coupling() {
        return new SchrodingerBridgeCoupling(SchrodingerBridgeCoupling.DEFAULT_SIGMA);
    }

    @Override
    protected boolean reducesTransportCost() {
        return true;
    }

    @Override
    protected boolean usesRng() {
        return true;
    }
}
