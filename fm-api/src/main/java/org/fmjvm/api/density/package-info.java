/** Exact log densities of the distributions at the ends of a flow, for likelihoods and metrics. */
package org.fmjvm.api.density;
