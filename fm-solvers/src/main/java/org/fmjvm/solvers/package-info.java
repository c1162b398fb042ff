/** Fixed-step ODE solvers contributed as plugins (euler, midpoint, rk4). */
package org.fmjvm.solvers;
