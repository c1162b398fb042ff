package org.fmjvm.examples.figures;

/**
 * A velocity field {@code v(t, x)} evaluated on a batch of 2D points, as the velocity-field figure
 * needs it: one call per time with all grid points, so a neural network can evaluate the grid as
 * one batch.
 */
@FunctionalInterface
public interface VelocityGrid {

  /**
   * Evaluates the velocity at time {@code t} for {@code m} points.
   *
   * @param t time in {@code [0, 1]} ({@code t = 0} source, {@code t = 1} data)
   * @param xy row-major {@code m x 2} points, length {@code 2 m}; a fresh array the implementation
   *     may overwrite and need not copy
   * @return row-major {@code m x 2} velocities {@code dx/dt}, length {@code 2 m}, all finite
   */
  double[] velocity(double t, double[] xy);
}
