/** Couplings: how source and data points are paired into the {@code (x0, x1)} a path connects. */
package org.fmjvm.api.coupling;
