package org.fmjvm.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The house style on XChart's {@link XYChart}, and the few things XChart 4.0.3 lacks, each done
 * through XChart's own API where it allows: markers of a fixed pixel size (XChart's marker size is
 * one global number); legend-only series (so a legend swatch can be large and opaque while the
 * data markers are small and translucent); legends that wrap instead of being cut off; axis ranges
 * whose end ticks keep their labels; log axes with labels between the powers of ten and grid lines
 * at labelled ticks only; and a chart size that gives a wanted plot area (for equal aspect).
 *
 * <p>Charts are built, painted once and dropped; nothing is shared between calls.
 */
final class Charts {

  /** Pixels between linear ticks that XChart aims for; about six intervals on a 600 px axis. */
  private static final int TICK_SPACING = 95;
  /** Share of the chart width below which XChart does not cut a legend label short (it cuts at 45%). */
  private static final double LEGEND_TEXT_SHARE = 0.42;
  /** Text measurement as XChart measures: antialiased, integer metrics. */
  private static final FontRenderContext FRC = new FontRenderContext(null, true, false);
  /**
   * Relative widening of a linear range so that XChart labels the ticks exactly at its ends (it
   * labels a tick only strictly inside the axis).
   */
  private static final double END_TICK_SLACK = 1e-9;
  /**
   * The same for a log range, as a share of its span: XChart rounds log tick positions down to
   * whole pixels, so an end tick must lie a pixel or two inside.
   */
  private static final double LOG_END_TICK_SLACK = 0.006;

  private Charts() {}

  /** A chart with the house style: white, light grid, grey frame, plain fonts, legend below. */
  static XYChart chart(int width, int height, String title, String xTitle, String yTitle) {
    XYChart chart = new XYChart(width, height);
    if (title != null) {
      chart.setTitle(title);
      // XChart cuts a long title off at the chart's edges: a smaller font instead, down to 11 px
      Font font = Style.TITLE;
      while (font.getStringBounds(title, FRC).getWidth() > 0.9 * width - 20 && font.getSize2D() > 11) {
        font = font.deriveFont(font.getSize2D() - 1);
      }
      chart.getStyler().setChartTitleFont(font);
    }
    chart.setXAxisTitle(xTitle == null ? "" : xTitle);
    chart.setYAxisTitle(yTitle == null ? "" : yTitle);
    XYStyler s = chart.getStyler();
    s.setChartTitleVisible(title != null);
    s.setChartTitleBoxVisible(false);
    s.setChartTitlePadding(8);
    s.setXAxisTitleVisible(xTitle != null);
    s.setYAxisTitleVisible(yTitle != null);
    s.setBaseFont(Style.TICK);
    s.setAxisTitleFont(Style.LABEL);
    s.setAxisTickLabelsFont(Style.TICK);
    s.setLegendFont(Style.LEGEND);
    s.setChartFontColor(Style.TEXT);
    s.setAxisTickLabelsColor(Style.TICK_TEXT);
    s.setAxisTickMarksColor(Style.FRAME);
    s.setChartBackgroundColor(Style.BACKGROUND);
    s.setPlotBackgroundColor(Style.BACKGROUND);
    s.setPlotBorderColor(Style.FRAME);
    s.setPlotGridLinesColor(Style.GRID);
    s.setPlotGridLinesStroke(Style.GRID_STROKE);
    s.setAxisTicksLineVisible(false);
    s.setPlotContentSize(1.0);
    s.setChartPadding(10);
    s.setLegendPosition(LegendPosition.OutsideS);
    s.setLegendLayout(LegendLayout.Horizontal);
    s.setLegendBorderColor(Style.BACKGROUND);
    s.setLegendBackgroundColor(Style.BACKGROUND);
    s.setLegendSeriesLineLength(20);
    s.setLegendPadding(14);
    s.setXAxisTickMarkSpacingHint(TICK_SPACING);
    s.setYAxisTickMarkSpacingHint(TICK_SPACING);
    s.setXAxisTickLabelsFormattingFunction(Charts::formatLinear);
    s.setYAxisTickLabelsFormattingFunction(Charts::formatLinear);
    s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
    return chart;
  }

  /** Sets the x range of a linear axis; ticks exactly at {@code min} or {@code max} keep their labels. */
  static void xRange(XYChart chart, double min, double max) {
    double slack = END_TICK_SLACK * (max - min);
    chart.getStyler().setXAxisMin(min - slack);
    chart.getStyler().setXAxisMax(max + slack);
    roomForEndLabel(chart, formatLinear(max));
  }

  /**
   * Widens the chart padding so that a tick label at the right end of the x axis fits: XChart
   * leaves out an x tick label that would reach beyond the chart.
   */
  private static void roomForEndLabel(XYChart chart, String label) {
    XYStyler s = chart.getStyler();
    if (s.isXAxisTicksVisible()) {
      double half = Style.TICK.getStringBounds(label, FRC).getWidth() / 2;
      s.setChartPadding(Math.max(s.getChartPadding(), (int) Math.ceil(half) + 4));
    }
  }

  /** Sets the y range of a linear axis; ticks exactly at {@code min} or {@code max} keep their labels. */
  static void yRange(XYChart chart, double min, double max) {
    double slack = END_TICK_SLACK * (max - min);
    chart.getStyler().setYAxisMin(min - slack);
    chart.getStyler().setYAxisMax(max + slack);
  }

  /**
   * Makes the x axis logarithmic on {@code axis}: a tick at every {@code m * 10^k}, labels at
   * {@link LogAxis#labels}; paint with {@link #paint(XYChart, Graphics2D, int, int, LogAxis,
   * LogAxis)} to keep grid lines at the labelled ticks only.
   */
  static void xLog(XYChart chart, LogAxis axis) {
    XYStyler s = chart.getStyler();
    s.setXAxisLogarithmic(true);
    s.setXAxisLogarithmicDecadeOnly(false);
    double slack = Math.pow(axis.max() / axis.min(), LOG_END_TICK_SLACK);
    s.setXAxisMin(axis.min() / slack);
    s.setXAxisMax(axis.max() * slack);
    s.setXAxisTickLabelsFormattingFunction(axis::label);
    roomForEndLabel(chart, axis.label(axis.labels().get(axis.labels().size() - 1)));
  }

  /** As {@link #xLog}, for the y axis. */
  static void yLog(XYChart chart, LogAxis axis) {
    XYStyler s = chart.getStyler();
    s.setYAxisLogarithmic(true);
    s.setYAxisLogarithmicDecadeOnly(false);
    double slack = Math.pow(axis.max() / axis.min(), LOG_END_TICK_SLACK);
    s.setYAxisMin(axis.min() / slack);
    s.setYAxisMax(axis.max() * slack);
    s.setYAxisTickLabelsFormattingFunction(axis::label);
  }

  /**
   * A series that draws nothing and only shows in the legend, with a marker swatch (for point
   * clouds whose own markers are too small or too faint to read in a legend).
   */
  static void legendMarker(XYChart chart, String label, Color color, Marker marker) {
    XYSeries s = legendOnly(chart, label);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }

  /**
   * A series that draws nothing and only shows in the legend, with a line swatch; returned so that
   * a marker can be added to the swatch.
   */
  static XYSeries legendLine(XYChart chart, String label, Color color, BasicStroke stroke) {
    XYSeries s = legendOnly(chart, label);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(stroke);
    return s;
  }

  /** A series that draws nothing and only shows in the legend, with a filled box swatch. */
  static void legendBox(XYChart chart, String label, Color fill) {
    XYSeries s = legendOnly(chart, label);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(fill);
    s.setLineColor(new Color(0, 0, 0, 0));
  }

  /** A series without a point to draw, named so that it cannot clash with a data series. */
  private static XYSeries legendOnly(XYChart chart, String label) {
    XYSeries s = chart.addSeries("\u0000legend " + chart.getSeriesCollection().size(), new double[] {Double.NaN},
        new double[] {Double.NaN});
    s.setLabel(legendLabel(chart, label));
    return s;
  }

  /**
   * {@code label} broken into lines at spaces where it is wider than XChart shows a legend label
   * (45% of the chart width; XChart cuts longer ones off with an ellipsis).
   */
  static String legendLabel(XYChart chart, String label) {
    double max = LEGEND_TEXT_SHARE * chart.getWidth();
    StringBuilder out = new StringBuilder();
    StringBuilder line = new StringBuilder();
    for (String word : label.split(" ")) {
      String candidate = line.length() == 0 ? word : line + " " + word;
      if (line.length() > 0 && Style.LEGEND.getStringBounds(candidate, FRC).getWidth() > max) {
        out.append(line).append('\n');
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(candidate);
      }
    }
    return out.append(line).toString();
  }

  /**
   * Fits the legend to the chart's current width: labels are wrapped again for this width, and
   * the entries are stacked when one row would be wider than the chart (XChart neither wraps a
   * row nor shrinks it; it would cut it off at both sides).
   *
   * @return whether the legend changed (then the chart needs to be sized again)
   */
  static boolean fitLegend(XYChart chart) {
    XYStyler s = chart.getStyler();
    boolean changed = false;
    double row = s.getLegendPadding();
    for (XYSeries series : chart.getSeriesCollection()) {
      if (!series.isShowInLegend()) {
        continue;
      }
      String label = legendLabel(chart, series.getLabel().replace('\n', ' '));
      if (!label.equals(series.getLabel())) {
        series.setLabel(label);
        changed = true;
      }
      double text = 0;
      for (String line : label.split("\n")) {
        text = Math.max(text, Style.LEGEND.getStringBounds(line, FRC).getWidth());
      }
      row += s.getLegendSeriesLineLength() + text + 2 * s.getLegendPadding();
    }
    LegendLayout layout = row > chart.getWidth() - 2 * s.getChartPadding()
        ? LegendLayout.Vertical : LegendLayout.Horizontal;
    if (layout != s.getLegendLayout()) {
      s.setLegendLayout(layout);
      changed = true;
    }
    return changed;
  }

  /** Adds a series of the given style that is not listed in the legend. */
  static XYSeries data(XYChart chart, String name, double[] x, double[] y, XYSeriesRenderStyle style) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(style);
    s.setShowInLegend(false);
    if (style != XYSeriesRenderStyle.Scatter) {
      s.setMarker(SeriesMarkers.NONE);
    }
    return s;
  }

  /** Adds a scatter series of discs of radius {@code r} pixels, not listed in the legend. */
  static XYSeries dots(XYChart chart, String name, double[] x, double[] y, Color color, double r) {
    XYSeries s = data(chart, name, x, y, XYSeriesRenderStyle.Scatter);
    s.setMarker(new Dot(r));
    s.setMarkerColor(color);
    return s;
  }

  /**
   * Sizes {@code chart} so that its plot area is {@code plotW x plotH} pixels and leaves it laid
   * out at that size. XChart lays out titles, tick labels and the legend around the plot area and
   * has no equal-aspect mode, so this paints the chart off-screen and corrects the size until the
   * plot area fits (the margins barely depend on the size, so two rounds suffice). Call it before
   * adding large data series: they would be painted on every round.
   *
   * @return the chart's size
   */
  static Dimension fitPlot(XYChart chart, double plotW, double plotH) {
    int w = chart.getWidth();
    int h = chart.getHeight();
    for (int round = 0; round < 4; round++) {
      Rectangle2D plot = layOut(chart, w, h);
      int dw = (int) Math.round(plotW - plot.getWidth());
      int dh = (int) Math.round(plotH - plot.getHeight());
      if (dw == 0 && dh == 0) {
        break;
      }
      w += dw;
      h += dh;
      if (w < 20 || h < 20) {
        throw new IllegalArgumentException("figure too small for its labels: chart " + w + " x " + h);
      }
    }
    layOut(chart, w, h);
    return new Dimension(w, h);
  }

  /**
   * Sizes {@code chart} to fit into {@code width x height} with the largest plot area whose
   * width-to-height ratio is {@code aspect} (equal aspect for a point plot), as {@link #fitPlot}.
   */
  static Dimension fitAspect(XYChart chart, int width, int height, double aspect) {
    Rectangle2D plot = layOut(chart, width, height);
    double w = Math.min(plot.getWidth(), plot.getHeight() * aspect);
    return fitPlot(chart, w, w / aspect);
  }

  /** Lays the chart out at {@code w x h} off-screen and returns where its plot area went. */
  static Rectangle2D layOut(XYChart chart, int w, int h) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Style.graphics(scratch);
    try {
      chart.paint(g, w, h);
    } finally {
      g.dispose();
    }
    return new Axes(chart, 0, 0).plot();
  }

  /** Paints {@code chart} at its size into {@code g} with its top left corner at {@code (x, y)}. */
  static Axes paint(XYChart chart, Graphics2D g, int x, int y) {
    Graphics2D cg = (Graphics2D) g.create();
    try {
      cg.translate(x, y);
      chart.paint(cg, chart.getWidth(), chart.getHeight());
    } finally {
      cg.dispose();
    }
    return new Axes(chart, x, y);
  }

  /**
   * Paints {@code chart} as {@link #paint(XYChart, Graphics2D, int, int)}, but with grid lines
   * on its log axes at the labelled ticks only (XChart draws one at every tick, nine per decade).
   * XChart paints onto a transparent layer, so that the grid can go underneath the data.
   */
  static Axes paint(XYChart chart, Graphics2D g, int x, int y, LogAxis xLog, LogAxis yLog) {
    XYStyler s = chart.getStyler(); // the chart is painted once; its backgrounds may change

    Color clear = new Color(0, 0, 0, 0);
    s.setChartBackgroundColor(clear);
    s.setPlotBackgroundColor(clear);
    s.setPlotGridVerticalLinesVisible(xLog == null);
    s.setPlotGridHorizontalLinesVisible(yLog == null);
    BufferedImage layer = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_ARGB);
    Graphics2D lg = Style.graphics(layer);
    try {
      chart.paint(lg, chart.getWidth(), chart.getHeight());
    } finally {
      lg.dispose();
    }
    Axes ax = new Axes(chart, x, y);
    Rectangle2D plot = ax.plot();
    Graphics2D gg = (Graphics2D) g.create();
    try {
      gg.setColor(Style.GRID);
      gg.setStroke(Style.GRID_STROKE);
      gg.clip(plot);
      for (double v : xLog == null ? List.<Double>of() : xLog.labels()) {
        double px = Math.floor(ax.px(v)) + 0.5;
        gg.draw(new Line2D.Double(px, plot.getY(), px, plot.getMaxY()));
      }
      for (double v : yLog == null ? List.<Double>of() : yLog.labels()) {
        double py = Math.floor(ax.py(v)) + 0.5;
        gg.draw(new Line2D.Double(plot.getX(), py, plot.getMaxX(), py));
      }
    } finally {
      gg.dispose();
    }
    g.drawImage(layer, x, y, null);
    return ax;
  }

  // ---------------------------------------------------------------------------------------------
  // text

  /** Draws {@code title} centred on {@code cx} below {@code top}, in a smaller font if it is too wide. */
  static void centredTitle(Graphics2D g, String title, double cx, double top, double maxWidth) {
    centredText(g, title, Style.TITLE, Style.TEXT, cx, top, maxWidth);
  }

  /**
   * Draws {@code text} in {@code font} and {@code color} centred on {@code cx} below {@code top}, in
   * a smaller font (down to 11 px) if it is wider than {@code maxWidth}.
   */
  static void centredText(Graphics2D g, String text, Font font, Color color, double cx, double top,
      double maxWidth) {
    Graphics2D tg = (Graphics2D) g.create();
    try {
      FontRenderContext frc = tg.getFontRenderContext();
      Font f = font;
      while (f.getStringBounds(text, frc).getWidth() > maxWidth && f.getSize2D() > 11) {
        f = f.deriveFont(f.getSize2D() - 1);
      }
      TextLayout t = new TextLayout(text, f, frc);
      tg.setColor(color);
      t.draw(tg, (float) (cx - t.getAdvance() / 2), (float) (top + t.getAscent()));
    } finally {
      tg.dispose();
    }
  }

  /** A linear tick label: at most nine decimals, no trailing zeros, a real minus sign. */
  static String formatLinear(double v) {
    DecimalFormat f = new DecimalFormat("#,##0.#########", DecimalFormatSymbols.getInstance(Locale.ROOT));
    String s = f.format(v);
    return s.equals("-0") ? "0" : s.replace('-', '\u2212');
  }

  /** A label for a tick of a log axis: plain decimals for moderate exponents, else {@code 10⁻⁵}. */
  static String formatLog(double v) {
    int d = (int) Math.floor(Math.log10(v) + 1e-9);
    int m = (int) Math.round(v / Math.pow(10, d));
    if (m == 10) {
      m = 1;
      d++;
    }
    if (d >= -3 && d <= 4) {
      return new BigDecimal(m).scaleByPowerOfTen(d).stripTrailingZeros().toPlainString();
    }
    String power = "10" + superscript(d);
    return m == 1 ? power : m + "\u00d7" + power;
  }

  private static String superscript(int d) {
    String digits = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
    StringBuilder sb = new StringBuilder(d < 0 ? "\u207b" : "");
    for (char c : Integer.toString(Math.abs(d)).toCharArray()) {
      sb.append(digits.charAt(c - '0'));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // markers

  /** A filled disc of a fixed radius in pixels, whatever XChart's global marker size. */
  static final class Dot extends Marker {

    private final double r;

    Dot(double r) {
      this.r = r;
    }

    @Override
    public void paint(Graphics2D g, double x, double y, int markerSize) {
      g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }
  }

  /** An open circle of a fixed radius and line width in pixels, to single out one point. */
  static final class Ring extends Marker {

    private final double r;
    private final float width;

    Ring(double r, float width) {
      this.r = r;
      this.width = width;
    }

    @Override
    public void paint(Graphics2D g, double x, double y, int markerSize) {
      Graphics2D rg = (Graphics2D) g.create();
      try {
        rg.setStroke(new BasicStroke(width));
        rg.draw(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
      } finally {
        rg.dispose();
      }
    }
  }

  /** A small rightward arrow, for the legend entry of a quiver plot. */
  static final class ArrowGlyph extends Marker {

    @Override
    public void paint(Graphics2D g, double x, double y, int markerSize) {
      Arrows.draw(g, x - 10, y, x + 10, y, g.getColor(), 1.6);
    }
  }
}
