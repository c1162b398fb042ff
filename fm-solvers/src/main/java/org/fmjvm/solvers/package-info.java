/**
 * Fixed-step ODE solvers contributed as plugins: {@code euler} (order 1), {@code midpoint}
 * (order 2) and {@code rk4} (order 4), sharing one step loop that opens a scope per step, counts
 * velocity evaluations and records trajectories.
 */
package org.fmjvm.solvers;
