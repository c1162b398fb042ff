package org.fmjvm.core.coupling;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.testkit.CouplingContract;

/**
 * The coupling contract for the independent pairing, which returns its inputs unchanged: a
 * permutation (the identity) that ignores the generator.
 */
class IndependentCouplingContractTest extends CouplingContract {
    @Override
    protected Coupling coupling() {
        return new IndependentCoupling();
    }
}
