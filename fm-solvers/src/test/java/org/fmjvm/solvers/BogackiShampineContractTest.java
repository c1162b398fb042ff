package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/**
 * The solver contract's adaptive branch on a test-only adaptive solver, which also carries one
 * evaluation from step to step: an adaptive plugin says {@code fixedStep()} is false.
 */
class BogackiShampineContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return new BogackiShampine(true);
    }

    @Override
    protected boolean fixedStep() {
        return false;
    }
}
