/**
 * ODE solvers contributed as plugins: explicit Runge-Kutta tableaux ({@code euler}, {@code midpoint},
 * {@code heun}, {@code rk4}) run by fm-api's shared {@link org.fmjvm.api.solver.RungeKutta} driver.
 */
package org.fmjvm.solvers;
