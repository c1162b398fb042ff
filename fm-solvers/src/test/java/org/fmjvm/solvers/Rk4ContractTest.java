package org.fmjvm.solvers;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/** The solver contract for rk4, on the preferred backend of the test class path (DJL here). */
class Rk4ContractTest extends SolverContract {
    @Override
    protected OdeSolver solver() {
        return Tableaux.RK4_SOLVER;
    }
}
