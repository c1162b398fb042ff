package org.fmjvm.examples.figures;

import java.util.ArrayList;
import java.util.List;

/**
 * The range and the labelled ticks of a base-10 log axis drawn by XChart. XChart puts a tick at
 * every {@code m * 10^k} and labels a tick when the label function gives it text; left to itself it
 * labels powers of ten only, which leaves an axis of less than about two decades (a loss between 5
 * and 20) with one label or none. Here the powers of ten are labelled when there are at least three
 * in range, else the 1-2-5 ticks if there are three, else every tick.
 *
 * @param min lower end, positive
 * @param max upper end, greater than {@code min}
 * @param labels the labelled tick values, increasing
 */
record LogAxis(double min, double max, List<Double> labels) {

  private static final int[] DECADES = {1};
  private static final int[] ONE_TWO_FIVE = {1, 2, 5};
  private static final int[] ALL = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  LogAxis {
    if (!(min > 0) || !(max > min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException("a log axis needs 0 < min < max, got [" + min + ", " + max + "]");
    }
    labels = List.copyOf(labels);
  }

  /**
   * An axis covering the positive finite values among {@code values}, padded by 6% of the log span
   * (at least a factor 1.15) on each side; {@code [0.1, 10]} when there is no positive value. If
   * fewer than three ticks would be labelled, the ends move out to the nearest ticks (a loss from
   * 1.5 to 3 gets the axis 1 to 4 with four labels rather than 1.35 to 3.4 with two).
   */
  static LogAxis covering(double... values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (v > 0 && Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo == Double.POSITIVE_INFINITY) {
      return of(0.1, 10);
    }
    double span = Math.log10(hi) - Math.log10(lo);
    double pad = Math.max(0.06 * span, Math.log10(1.15));
    LogAxis axis = of(Math.pow(10, Math.log10(lo) - pad), Math.pow(10, Math.log10(hi) + pad));
    return axis.labels.size() >= 3 ? axis : of(tickAtOrBelow(axis.min), tickAtOrAbove(axis.max));
  }

  /** The axis on {@code [min, max]} with its labelled ticks. */
  static LogAxis of(double min, double max) {
    List<Double> labels = ticks(min, max, DECADES);
    if (labels.size() < 3) {
      labels = ticks(min, max, ONE_TWO_FIVE);
      if (labels.size() < 3) {
        labels = ticks(min, max, ALL);
      }
    }
    return new LogAxis(min, max, labels);
  }

  /** The label of the tick at {@code v}: its value if it is labelled, else empty (XChart's label function). */
  String label(double v) {
    for (double l : labels) {
      if (Math.abs(v - l) <= 1e-9 * l) {
        return Charts.formatLog(l);
      }
    }
    return "";
  }

  /** The values {@code m * 10^k} in {@code [min, max]} with {@code m} among {@code mantissas}. */
  private static List<Double> ticks(double min, double max, int[] mantissas) {
    List<Double> out = new ArrayList<>();
    for (int d = (int) Math.floor(Math.log10(min)) - 1; d <= (int) Math.ceil(Math.log10(max)); d++) {
      for (int m : mantissas) {
        double v = tick(m, d);
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** {@code m * 10^d} as the double nearest the decimal (0.3, not 0.30000000000000004). */
  private static double tick(int m, int d) {
    return Double.parseDouble(m + "e" + d);
  }

  private static double tickAtOrBelow(double v) {
    int d = (int) Math.floor(Math.log10(v) + 1e-12);
    return tick(Math.max(1, (int) Math.floor(v / Math.pow(10, d) * (1 + 1e-12))), d);
  }

  private static double tickAtOrAbove(double v) {
    int d = (int) Math.floor(Math.log10(v) - 1e-12);
    int m = (int) Math.ceil(v / Math.pow(10, d) * (1 - 1e-12));
    return m >= 10 ? tick(1, d + 1) : tick(m, d);
  }
}
