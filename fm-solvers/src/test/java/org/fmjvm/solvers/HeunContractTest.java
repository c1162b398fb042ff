package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract for heun, on the preferred backend of the test class path (DJL here). */
class HeunContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return Tableaux.HEUN_SOLVER;
    }
}
