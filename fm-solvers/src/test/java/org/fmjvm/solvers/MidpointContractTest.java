package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract for midpoint, on the preferred backend of the test class path (DJL here). */
class MidpointContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return Tableaux.MIDPOINT_SOLVER;
    }
}
