package com.example.fmplugin;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.testkit.CouplingContract;

/**
 * The framework's coupling contract on this plugin's coupling: a permutation of the batch (every
 * point paired exactly once), seeded determinism, tensor scopes, shapes, and pairs that are cheaper
 * to transport than independent ones.
 */
class SortedProjectionCouplingContractTest extends CouplingContract {

    @Override
    protected Coupling coupling() {
        return new SortedProjectionCoupling();
    }

    /** The direction is drawn from the generator: another seed pairs differently. */
    @Override
    protected boolean usesRng() {
        return true;
    }

    @Override
    protected boolean reducesTransportCost() {
        return true;
    }
}
