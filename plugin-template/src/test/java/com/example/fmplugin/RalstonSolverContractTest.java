package com.example.fmplugin;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.testkit.SolverContract;

/**
 * The framework's solver contract on this plugin's solver: exact solutions, second-order
 * convergence forwards and backwards, evaluation counts, trajectories, tensor scopes and shapes.
 */
class RalstonSolverContractTest extends SolverContract {

    @Override
    protected OdeSolver solver() {
        return new RalstonSolver();
    }
}
