package org.fmjvm.examples.figures;

import java.awt.geom.Rectangle2D;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.XYStyler;

/**
 * The axes of an XChart chart after it was painted at {@code (x0, y0)} of an image: XChart's own
 * data-to-pixel mapping shifted to image pixels, for drawing what XChart cannot (arrows, overlay
 * labels) and for tests that check where things landed.
 */
final class Axes {

  private final XYChart chart;
  private final double x0;
  private final double y0;

  Axes(XYChart chart, double x0, double y0) {
    this.chart = chart;
    this.x0 = x0;
    this.y0 = y0;
  }

  /** Pixel column of data value {@code v}. */
  double px(double v) {
    return x0 + chart.getScreenXFromChart(v);
  }

  /** Pixel row of data value {@code v} (larger values are higher up). */
  double py(double v) {
    return y0 + chart.getScreenYFromChart(v);
  }

  double xMin() {
    return chart.getStyler().getXAxisMin();
  }

  double xMax() {
    return chart.getStyler().getXAxisMax();
  }

  double yMin() {
    return chart.getStyler().getYAxisMin();
  }

  double yMax() {
    return chart.getStyler().getYAxisMax();
  }

  boolean yLog() {
    return chart.getStyler().isYAxisLogarithmic();
  }

  /** The plot area in image pixels: from the axis minima to the axis maxima. */
  Rectangle2D plot() {
    XYStyler s = chart.getStyler();
    double left = px(s.getXAxisMin());
    double right = px(s.getXAxisMax());
    double top = py(s.getYAxisMax());
    double bottom = py(s.getYAxisMin());
    return new Rectangle2D.Double(left, top, right - left, bottom - top);
  }
}
