package org.fmjvm.examples.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic tables for the table figures: a 13-column table with different scales,
 * correlated columns and integer columns, a "generated" version of it that is slightly off, and an
 * 8 x 8 image table whose border pixels are constant (undefined correlations).
 *
 * @param values row-major {@code rows x dim}
 * @param rows number of rows
 * @param names the column names
 */
record SyntheticTable(float[] values, int rows, List<String> names) {

  static final List<String> MIXED_NAMES = List.of("age", "income", "spend", "height_cm", "weight_kg", "children",
      "score", "temperature", "rating", "bimodal", "ratio", "tiny_scale", "a_rather_long_column_name_for_testing");

  int dim() {
    return names.size();
  }

  /**
   * The mixed table; {@code off} in [0, 1] moves it away from the real distribution the way a
   * half-trained model would: means shifted, scales widened, correlations weakened, integers
   * smeared into continuous values, the two modes of {@code bimodal} bridged.
   */
  static SyntheticTable mixed(int rows, double off, long seed) {
    Random rng = new Random(seed);
    int dim = MIXED_NAMES.size();
    float[] t = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      double z = rng.nextGaussian();
      double wide = 1 + 0.15 * off;
      double rho = 0.85 - 0.35 * off;
      double age = Math.rint(18 + 72 * Math.pow(rng.nextDouble(), 1.3)) + off * 3 * rng.nextGaussian();
      double income = Math.exp(10.5 + 0.5 * wide * z + 0.1 * off);
      double spend = 0.3 * income * Math.exp(0.25 * (rho * z + Math.sqrt(1 - rho * rho) * rng.nextGaussian()));
      double h = rng.nextGaussian();
      double height = 170 + 9 * wide * h + 2 * off;
      double weight = 70 + 11 * (rho * h + Math.sqrt(1 - rho * rho) * rng.nextGaussian());
      double children = poisson(1.4, rng) + off * 0.35 * rng.nextGaussian();
      double score = rng.nextDouble() * (1 + 0.1 * off) - 0.05 * off;
      double temperature = -5 + 12 * wide * rng.nextGaussian();
      double rating = Math.min(5, Math.max(1, Math.rint(3.6 + 1.1 * rng.nextGaussian()))) + off * 0.3
          * rng.nextGaussian();
      double bimodal = rng.nextBoolean() ? -2 + 0.4 * rng.nextGaussian() : 2 + 0.5 * rng.nextGaussian();
      if (rng.nextDouble() < 0.25 * off) {
        bimodal = 4 * rng.nextDouble() - 2;
      }
      double u = rng.nextDouble();
      double ratio = u * u * (1 - 0.2 * off) + 0.2 * off * rng.nextDouble();
      double tiny = 0.002 * (rng.nextGaussian() + 0.3 * off);
      double last = 3 * z + rng.nextGaussian() * (1 + off);
      double[] row = {age, income, spend, height, weight, children, score, temperature, rating, bimodal, ratio, tiny,
          last};
      for (int j = 0; j < dim; j++) {
        t[i * dim + j] = (float) row[j];
      }
    }
    return new SyntheticTable(t, rows, MIXED_NAMES);
  }

  /**
   * An 8 x 8 "digit" table of pixels 0..16 ({@code pixel_r_c}), blobs around the centre; the
   * corner and top-row pixels are always 0 (as in the classic digits data), so their correlation
   * is undefined. {@code off > 0} blurs and shifts the blobs.
   */
  static SyntheticTable digits(int rows, double off, long seed) {
    Random rng = new Random(seed);
    List<String> names = new ArrayList<>();
    for (int r = 0; r < 8; r++) {
      for (int c = 0; c < 8; c++) {
        names.add("pixel_" + r + "_" + c);
      }
    }
    float[] t = new float[rows * 64];
    for (int i = 0; i < rows; i++) {
      double cx = 3.5 + 1.2 * rng.nextGaussian() + off * 0.5;
      double cy = 3.8 + 1.0 * rng.nextGaussian();
      double s = 1.6 + 0.5 * rng.nextDouble() + off;
      for (int r = 0; r < 8; r++) {
        for (int c = 0; c < 8; c++) {
          double v = 0;
          boolean dead = r == 0 || (c == 0 || c == 7) && (r < 2 || r > 5);
          if (!dead) {
            double d2 = ((c - cx) * (c - cx) + (r - cy) * (r - cy)) / (s * s);
            v = Math.rint(Math.max(0, Math.min(16, 17 * Math.exp(-d2) + 1.5 * rng.nextGaussian())));
            if (off > 0) {
              v += off * rng.nextGaussian();
            }
          }
          t[i * 64 + r * 8 + c] = (float) v;
        }
      }
    }
    return new SyntheticTable(t, rows, names);
  }

  /** The Pearson correlation matrix of the columns; NaN for a constant column. */
  double[][] correlation() {
    int dim = dim();
    double[] mean = new double[dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        mean[j] += values[i * dim + j];
      }
    }
    for (int j = 0; j < dim; j++) {
      mean[j] /= rows;
    }
    double[][] cov = new double[dim][dim];
    for (int i = 0; i < rows; i++) {
      for (int a = 0; a < dim; a++) {
        double da = values[i * dim + a] - mean[a];
        for (int b = a; b < dim; b++) {
          cov[a][b] += da * (values[i * dim + b] - mean[b]);
        }
      }
    }
    double[][] r = new double[dim][dim];
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        double den = Math.sqrt(cov[a][a] * cov[b][b]);
        double v = den > 0 ? Math.max(-1, Math.min(1, cov[a][b] / den)) : Double.NaN;
        r[a][b] = v;
        r[b][a] = v;
      }
    }
    return r;
  }

  private static int poisson(double lambda, Random rng) {
    double l = Math.exp(-lambda);
    int k = 0;
    double p = rng.nextDouble();
    while (p > l) {
      k++;
      p *= rng.nextDouble();
    }
    return k;
  }
}
