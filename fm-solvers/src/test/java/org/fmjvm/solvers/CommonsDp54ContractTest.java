package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract's adaptive branch for commons-dp54, the Commons Math reference. */
class CommonsDp54ContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return CommonsDormandPrince54.fromOptions();
    }

    @Override
    protected boolean fixedStep() {
        return false;
    }
}
