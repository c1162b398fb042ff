/**
 * ODE solvers for {@code dx/dt = v(t, x)}: the equation ({@link org.fmjvm.api.solver.VelocityField}),
 * the integrator ({@link org.fmjvm.api.solver.OdeSolver}), options, results and step listeners.
 */
package org.fmjvm.api.solver;
