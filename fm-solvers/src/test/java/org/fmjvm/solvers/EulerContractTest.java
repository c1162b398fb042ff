package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract for euler, on the preferred backend of the test class path (DJL here). */
class EulerContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return Tableaux.EULER_SOLVER;
    }
}
