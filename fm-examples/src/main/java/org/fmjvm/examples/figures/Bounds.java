package org.fmjvm.examples.figures;

/**
 * The data window of a 2D point plot: {@code [xMin, xMax] x [yMin, yMax]}. Plots keep one data unit
 * equally long on both axes, so a square window gives a square plot. Pass the same bounds to every
 * sample plot of a run to make them comparable.
 *
 * @param xMin left edge
 * @param xMax right edge, greater than {@code xMin}
 * @param yMin bottom edge
 * @param yMax top edge, greater than {@code yMin}
 */
public record Bounds(double xMin, double xMax, double yMin, double yMax) {

  /**
   * Validates that all edges are finite and each interval is non-empty.
   *
   * @param xMin left edge
   * @param xMax right edge, greater than {@code xMin}
   * @param yMin bottom edge
   * @param yMax top edge, greater than {@code yMin}
   */
  public Bounds {
    if (!Double.isFinite(xMin) || !Double.isFinite(xMax) || !Double.isFinite(yMin) || !Double.isFinite(yMax)
        || !(xMin < xMax) || !(yMin < yMax)) {
      throw new IllegalArgumentException("bounds must be finite with xMin < xMax and yMin < yMax, got x ["
          + xMin + ", " + xMax + "], y [" + yMin + ", " + yMax + "]");
    }
  }

  /**
   * The square window {@code [-halfWidth, halfWidth]} on both axes, e.g. {@code symmetric(6)}.
   *
   * @param halfWidth half the side of the window, positive
   * @return the window
   */
  public static Bounds symmetric(double halfWidth) {
    return new Bounds(-halfWidth, halfWidth, -halfWidth, halfWidth);
  }

  /**
   * A "round" square window containing every finite point of the given clouds with a margin of at
   * least 8%: the centre is a multiple of the power of ten below the half-width, and the half-width
   * is 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten (10,000 samples of four Gaussians
   * at (&plusmn;3, &plusmn;3) with std 0.5, with or without standard normal noise, give
   * {@code [-6, 6]}). Rows with a non-finite coordinate are ignored; without any finite point the
   * result is {@code [-1, 1]} on both axes.
   *
   * @param clouds row-major {@code n x 2} point arrays (even lengths)
   * @return a square window covering the clouds
   */
  public static Bounds covering(float[]... clouds) {
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < clouds.length; c++) {
      float[] xy = clouds[c];
      if (xy == null) {
        throw new NullPointerException("clouds[" + c + "]");
      }
      if (xy.length % 2 != 0) {
        throw new IllegalArgumentException("clouds[" + c + "] must be row-major n x 2 (even length), got length "
            + xy.length);
      }
      for (int i = 0; i < xy.length; i += 2) {
        double x = xy[i];
        double y = xy[i + 1];
        if (Double.isFinite(x) && Double.isFinite(y)) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (minX == Double.POSITIVE_INFINITY) {
      return symmetric(1);
    }
    double half = Math.max(maxX - minX, maxY - minY) / 2;
    double cx = (minX + maxX) / 2;
    double cy = (minY + maxY) / 2;
    double scale = Math.max(half, 1e-3 * Math.max(1, Math.max(Math.abs(cx), Math.abs(cy))));
    double unit = Math.pow(10, Math.floor(Math.log10(scale)));
    cx = Math.round(cx / unit) * unit;
    cy = Math.round(cy / unit) * unit;
    double need = Math.max(Math.max(cx - minX, maxX - cx), Math.max(cy - minY, maxY - cy));
    double h = niceAtLeast(Math.max(need * 1.08, unit));
    return new Bounds(cx - h, cx + h, cy - h, cy + h);
  }

  private static final double[] NICE = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};

  /** The smallest value of the form {@code NICE[i] * 10^k} that is at least {@code v > 0}. */
  private static double niceAtLeast(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : NICE) {
      if (m * p >= v * (1 - 1e-12)) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
