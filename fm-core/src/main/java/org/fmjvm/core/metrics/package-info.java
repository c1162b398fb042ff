/**
 * Sample-quality metrics in float64, defined exactly as in the PyTorch reference so numbers compare:
 * energy distance, sliced 2-Wasserstein, and a {@link org.fmjvm.core.metrics.QualityReport} with
 * noise floors, mean log densities and mode fractions.
 */
package org.fmjvm.core.metrics;
