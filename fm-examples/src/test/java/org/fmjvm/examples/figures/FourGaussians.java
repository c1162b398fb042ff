package org.fmjvm.examples.figures;

import java.util.Random;

/**
 * The demo's 2D task with its exact flow: source N(0, I), target an equal mixture of four
 * Gaussians at (&plusmn;3, &plusmn;3) with std 0.5, and the marginal velocity of the conditional
 * OT path {@code x_t = (1 - t) x0 + t x1}, which is known in closed form for this pair.
 */
final class FourGaussians implements VelocityGrid {

  static final double[][] MEANS = {{3, 3}, {-3, 3}, {-3, -3}, {3, -3}};
  static final double STD = 0.5;

  static float[] source(int n, Random rng) {
    float[] xy = new float[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      xy[i] = (float) rng.nextGaussian();
    }
    return xy;
  }

  static float[] target(int n, Random rng) {
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double[] mu = MEANS[rng.nextInt(MEANS.length)];
      xy[2 * i] = (float) (mu[0] + STD * rng.nextGaussian());
      xy[2 * i + 1] = (float) (mu[1] + STD * rng.nextGaussian());
    }
    return xy;
  }

  /**
   * E[x1 - x0 | x_t = x]: per component k, x_t ~ N(t mu_k, s_t^2 I) with s_t^2 = (1-t)^2 + t^2 std^2
   * and E[x1 - x0 | x_t, k] = mu_k + (t std^2 - (1 - t)) / s_t^2 (x - t mu_k); mix by the posterior
   * of k (equal variances, so it is a softmax of -|x - t mu_k|^2 / (2 s_t^2)).
   */
  @Override
  public double[] velocity(double t, double[] xy) {
    int m = xy.length / 2;
    double[] v = new double[2 * m];
    double a = 1 - t;
    double var = a * a + t * t * STD * STD;
    double gain = (t * STD * STD - a) / var;
    double[] logw = new double[MEANS.length];
    for (int i = 0; i < m; i++) {
      double x = xy[2 * i];
      double y = xy[2 * i + 1];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < MEANS.length; k++) {
        double dx = x - t * MEANS[k][0];
        double dy = y - t * MEANS[k][1];
        logw[k] = -(dx * dx + dy * dy) / (2 * var);
        max = Math.max(max, logw[k]);
      }
      double sum = 0;
      double vx = 0;
      double vy = 0;
      for (int k = 0; k < MEANS.length; k++) {
        double w = Math.exp(logw[k] - max);
        sum += w;
        vx += w * (MEANS[k][0] + gain * (x - t * MEANS[k][0]));
        vy += w * (MEANS[k][1] + gain * (y - t * MEANS[k][1]));
      }
      v[2 * i] = vx / sum;
      v[2 * i + 1] = vy / sum;
    }
    return v;
  }

  /** Euler integration of the exact flow from {@code x0}: states at t = k / steps, k = 0..steps. */
  float[][] euler(float[] x0, int steps) {
    float[][] states = new float[steps + 1][];
    states[0] = x0.clone();
    double[] x = new double[x0.length];
    for (int i = 0; i < x0.length; i++) {
      x[i] = x0[i];
    }
    double h = 1.0 / steps;
    for (int k = 0; k < steps; k++) {
      double[] v = velocity(k * h, x.clone());
      for (int i = 0; i < x.length; i++) {
        x[i] += h * v[i];
      }
      float[] s = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        s[i] = (float) x[i];
      }
      states[k + 1] = s;
    }
    return states;
  }
}
