package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract's adaptive branch for dopri5 (tolerances from the options). */
class Dopri5ContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return Tableaux.DOPRI5_SOLVER;
    }

    @Override
    protected boolean fixedStep() {
        return false;
    }
}
