/**
 * Distributions to sample points from: a flow's target {@code q} at {@code t = 1} and its source
 * {@code p0} at {@code t = 0}. Data sets are plugins chosen by name, like paths and solvers.
 */
package org.fmjvm.api.data;
