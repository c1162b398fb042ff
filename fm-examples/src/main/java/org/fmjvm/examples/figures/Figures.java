package org.fmjvm.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of the 2D flow-matching demo, one PNG per method, drawn with XChart.
 *
 * <p>Points are row-major {@code float} arrays: {@code n} points are {@code {x_0, y_0, x_1, y_1,
 * ...}} of length at least {@code 2 n}; when a count is passed, the first {@code n} rows are drawn.
 * Point plots are {@value #SQUARE} x {@value #SQUARE} pixels with one data unit equally long on both
 * axes; pass the same {@link Bounds} to every point plot of a run so they share their axes (the
 * overloads without bounds use {@link Bounds#covering} of the data they draw). Points outside the
 * bounds or with a non-finite coordinate are not drawn, and the legend says how many there were.
 *
 * <p>Every method renders the whole image in memory and then writes it atomically (a temporary file
 * in the same directory renamed over {@code out}); missing parent directories are created. If
 * rendering or writing fails, no temporary file is left behind and an existing {@code out} is
 * unchanged. Titles may be {@code null} for none.
 *
 * <p>Thread safety: the methods keep no state and may be called concurrently (for different
 * {@code out} paths). They work headless ({@code java.awt.headless=true}) and set no global
 * property.
 */
public final class Figures {

  /** Width and height of the square point plots (pixels). */
  public static final int SQUARE = 700;
  /** Width of the loss-curve figure (pixels). */
  public static final int LOSS_WIDTH = 800;
  /** Height of the loss-curve figure (pixels). */
  public static final int LOSS_HEIGHT = 500;
  /** Width of the quality-versus-NFE figure (pixels). */
  public static final int QUALITY_WIDTH = 800;
  /** Height of the quality-versus-NFE figure (pixels). */
  public static final int QUALITY_HEIGHT = 540;
  /** Window of the moving average in {@link #lossCurve} (steps). */
  public static final int LOSS_WINDOW = 100;
  /** Default number of arrows per axis in {@link #velocityField}. */
  public static final int DEFAULT_GRID = 21;

  static final String X_LABEL = "coordinate 1";
  static final String Y_LABEL = "coordinate 2";
  static final Color LOSS_RAW = new Color(0xbb, 0xbb, 0xbb);
  static final Color LOSS_RAW_ALONE = new Color(0x55, 0x55, 0x55);
  static final Color LOSS_AVERAGE = Color.BLACK;
  static final Color FLOOR_LINE = new Color(0x33, 0x33, 0x33);
  /** Loss on held-out rows in the loss curve: red, the series that shows overfitting. */
  static final Color HELD_OUT = new Color(0xd62728);
  /** Loss on the training rows measured like the held-out rows: blue. */
  static final Color TRAINING_ROWS = new Color(0x1f77b4);
  /** The dashed line and the ring that mark the step whose weights were kept. */
  static final Color KEPT = new Color(0x22, 0x22, 0x22);
  /** Radius of the markers of the evaluation series in the loss curve (pixels). */
  static final double EVALUATION_RADIUS = 3.5;
  /** Share of the step range added at both ends of the x axis when evaluations are drawn. */
  static final double EVALUATION_MARGIN = 0.012;
  /** Radius of the ring round the held-out point of the kept step (pixels). */
  static final double KEPT_RING_RADIUS = 8;

  /** Alpha of the pair lines; low enough that 500 overlapping lines still show density. */
  static final double PAIR_LINE_ALPHA = 0.28;
  static final double TRAJECTORY_ALPHA = 0.35;
  private static final double SAMPLE_RADIUS = 1.6;
  private static final double SAMPLE_ALPHA = 0.30;
  private static final double PAIR_RADIUS = 2.3;
  private static final double ENDPOINT_RADIUS = 2.5;
  /** Radius of the marker swatches in legends (pixels). */
  private static final double LEGEND_RADIUS = 4.5;
  private static final BasicStroke LEGEND_LINE = new BasicStroke(2f);
  /** Side of the plot area of one velocity panel (pixels). */
  static final int PANEL = 320;
  /** Velocity panels per row; more times wrap to further rows. */
  static final int MAX_PANEL_COLUMNS = 3;
  /** Width of the colour bar of the velocity figure (pixels). */
  private static final int BAR = 14;
  private static final int PAD = 10;

  private Figures() {}

  /** An image and the axes of the charts painted on it (for tests that check where things landed). */
  record Rendered(BufferedImage image, List<Axes> axes) {}

  // ---------------------------------------------------------------------------------------------
  // 1. pairings

  /**
   * Independent source/target pairs of conditional flow matching: source points {@code x0}
   * (t = 0, blue), target points {@code x1} (t = 1, orange) and a thin straight line from each
   * {@code x0} to its {@code x1}, the conditional path {@code x_t = (1 - t) x0 + t x1}.
   *
   * @param out the PNG file to write
   * @param x0 row-major source points, at least {@code n} rows
   * @param x1 row-major target points, at least {@code n} rows; row {@code i} pairs with row
   *     {@code i} of {@code x0}
   * @param n number of pairs to draw (about 500 reads well)
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void pairings(Path out, float[] x0, float[] x1, int n, String title) throws IOException {
    checkPoints("x0", x0, n);
    checkPoints("x1", x1, n);
    pairings(out, x0, x1, n, title, Bounds.covering(rows(x0, n), rows(x1, n)));
  }

  /**
   * As {@link #pairings(Path, float[], float[], int, String)}, on the given axis window.
   *
   * @param out the PNG file to write
   * @param x0 row-major source points, at least {@code n} rows
   * @param x1 row-major target points, at least {@code n} rows
   * @param n number of pairs to draw
   * @param title title, or {@code null}
   * @param bounds the data window of both axes
   * @throws IOException if the file cannot be written
   */
  public static void pairings(Path out, float[] x0, float[] x1, int n, String title, Bounds bounds)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderPairings(x0, x1, n, title, bounds).image());
  }

  static Rendered renderPairings(float[] x0, float[] x1, int n, String title, Bounds bounds) {
    checkPoints("x0", x0, n);
    checkPoints("x1", x1, n);
    Objects.requireNonNull(bounds, "bounds");
    return pointPlot(title, bounds, chart -> {
      Charts.legendMarker(chart, Counts.of(x0, n, bounds).label("source x\u2080, t = 0"), Style.SOURCE,
          new Charts.Dot(LEGEND_RADIUS));
      Charts.legendMarker(chart, Counts.of(x1, n, bounds).label("target x\u2081, t = 1"), Style.TARGET,
          new Charts.Dot(LEGEND_RADIUS));
      Charts.legendLine(chart, "x\u209c = (1\u2212t) x\u2080 + t x\u2081", Style.PATH, LEGEND_LINE);
    }, chart -> {
      // one series, a NaN between pairs so that each pair is its own segment
      Polylines lines = new Polylines();
      for (int i = 0; i < n; i++) {
        if (finite(x0[2 * i], x0[2 * i + 1]) && finite(x1[2 * i], x1[2 * i + 1])) {
          lines.add(x0[2 * i], x0[2 * i + 1]);
          lines.add(x1[2 * i], x1[2 * i + 1]);
          lines.end();
        }
      }
      lines.addTo(chart, "pairs", Style.alpha(Style.PATH, PAIR_LINE_ALPHA), 0.9f);
      dots(chart, "x0", x0, n, Style.alpha(Style.SOURCE, 0.85), PAIR_RADIUS);
      dots(chart, "x1", x1, n, Style.alpha(Style.TARGET, 0.85), PAIR_RADIUS);
    });
  }

  /**
   * Source/target pairs joined by their conditional paths when those are not straight lines (a
   * variance-preserving or cosine schedule bends them, a Brownian bridge adds noise): each pair is a
   * thin polyline through {@code states[0] = x0}, the points {@code x_t} at increasing times, and
   * {@code states[last] = x1}; source points blue, target points orange.
   *
   * @param out the PNG file to write
   * @param states {@code states[k]} is the row-major {@code n x 2} batch of {@code x_t} at the k-th
   *     time, from {@code t = 0} (the source points) to {@code t = 1} (the target points); at least 2
   * @param pathLabel the legend's name for the lines, e.g. {@code "x_t on the vp path"}
   * @param title title, or {@code null}
   * @param bounds the data window of both axes
   * @throws IOException if the file cannot be written
   */
  public static void pairingPaths(Path out, float[][] states, String pathLabel, String title, Bounds bounds)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(pathLabel, "pathLabel");
    Objects.requireNonNull(bounds, "bounds");
    if (states == null || states.length < 2) {
      throw new IllegalArgumentException("states must hold at least the t = 0 and t = 1 batches");
    }
    double[] times = new double[states.length];
    for (int k = 0; k < times.length; k++) {
      times[k] = (double) k / (times.length - 1);
    }
    checkStates(states, times);
    int n = states[0].length / 2;
    float[] x0 = states[0];
    float[] x1 = states[states.length - 1];
    Png.write(out, pointPlot(title, bounds, chart -> {
      Charts.legendMarker(chart, Counts.of(x0, n, bounds).label("source x\u2080, t = 0"), Style.SOURCE,
          new Charts.Dot(LEGEND_RADIUS));
      Charts.legendMarker(chart, Counts.of(x1, n, bounds).label("target x\u2081, t = 1"), Style.TARGET,
          new Charts.Dot(LEGEND_RADIUS));
      Charts.legendLine(chart, pathLabel, Style.PATH, LEGEND_LINE);
    }, chart -> {
      Polylines lines = through(states, n);
      lines.addTo(chart, "pairs", Style.alpha(Style.PATH, PAIR_LINE_ALPHA), 0.9f);
      dots(chart, "x0", x0, n, Style.alpha(Style.SOURCE, 0.85), PAIR_RADIUS);
      dots(chart, "x1", x1, n, Style.alpha(Style.TARGET, 0.85), PAIR_RADIUS);
    }).image());
  }

  /** Each point's path through the states as one polyline, broken at non-finite states. */
  private static Polylines through(float[][] states, int n) {
    Polylines lines = new Polylines();
    for (int i = 0; i < n; i++) {
      for (float[] state : states) {
        if (finite(state[2 * i], state[2 * i + 1])) {
          lines.add(state[2 * i], state[2 * i + 1]);
        } else {
          lines.end();
        }
      }
      lines.end();
    }
    return lines;
  }

  // ---------------------------------------------------------------------------------------------
  // 2. samples

  /**
   * Generated samples (green) over target samples (orange, drawn first, underneath), small
   * semi-transparent markers so that density shows; a legend gives the counts.
   *
   * @param out the PNG file to write
   * @param generated row-major generated points, at least {@code nGen} rows
   * @param nGen number of generated points to draw (e.g. 10,000)
   * @param target row-major target points, at least {@code nTarget} rows
   * @param nTarget number of target points to draw
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void samples(Path out, float[] generated, int nGen, float[] target, int nTarget, String title)
      throws IOException {
    checkPoints("generated", generated, nGen);
    checkPoints("target", target, nTarget);
    samples(out, generated, nGen, target, nTarget, title, Bounds.covering(rows(target, nTarget)));
  }

  /**
   * As {@link #samples(Path, float[], int, float[], int, String)}, on the given axis window. The
   * default window covers the target only, so that stray generated points cannot squeeze the plot;
   * the legend counts generated points outside the window.
   *
   * @param out the PNG file to write
   * @param generated row-major generated points, at least {@code nGen} rows
   * @param nGen number of generated points to draw
   * @param target row-major target points, at least {@code nTarget} rows
   * @param nTarget number of target points to draw
   * @param title title, or {@code null}
   * @param bounds the data window of both axes
   * @throws IOException if the file cannot be written
   */
  public static void samples(Path out, float[] generated, int nGen, float[] target, int nTarget, String title,
      Bounds bounds) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderSamples(generated, nGen, target, nTarget, title, bounds).image());
  }

  static Rendered renderSamples(float[] generated, int nGen, float[] target, int nTarget, String title,
      Bounds bounds) {
    checkPoints("generated", generated, nGen);
    checkPoints("target", target, nTarget);
    Objects.requireNonNull(bounds, "bounds");
    return pointPlot(title, bounds, chart -> {
      Charts.legendMarker(chart, Counts.of(target, nTarget, bounds).label("target"), Style.TARGET,
          new Charts.Dot(LEGEND_RADIUS));
      Charts.legendMarker(chart, Counts.of(generated, nGen, bounds).label("generated"), Style.GENERATED,
          new Charts.Dot(LEGEND_RADIUS));
    }, chart -> {
      dots(chart, "target", target, nTarget, Style.alpha(Style.TARGET, SAMPLE_ALPHA), SAMPLE_RADIUS);
      dots(chart, "generated", generated, nGen, Style.alpha(Style.GENERATED, SAMPLE_ALPHA), SAMPLE_RADIUS);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // 3. trajectories

  /**
   * ODE trajectories: one thin grey line per sample through its states at the given times, start
   * points ({@code times[0]}, blue) and end points (last time, green) on top.
   *
   * @param out the PNG file to write
   * @param states {@code states[k]} is the row-major {@code n x 2} batch at {@code times[k]}; all of
   *     the same length (about 200 trajectories read well)
   * @param times the increasing times of the states, {@code times.length == states.length >= 2}
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void trajectories(Path out, float[][] states, double[] times, String title) throws IOException {
    checkStates(states, times);
    trajectories(out, states, times, title, Bounds.covering(states));
  }

  /**
   * As {@link #trajectories(Path, float[][], double[], String)}, on the given axis window.
   *
   * @param out the PNG file to write
   * @param states {@code states[k]} is the row-major {@code n x 2} batch at {@code times[k]}
   * @param times the increasing times of the states
   * @param title title, or {@code null}
   * @param bounds the data window of both axes
   * @throws IOException if the file cannot be written
   */
  public static void trajectories(Path out, float[][] states, double[] times, String title, Bounds bounds)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderTrajectories(states, times, title, bounds).image());
  }

  static Rendered renderTrajectories(float[][] states, double[] times, String title, Bounds bounds) {
    checkStates(states, times);
    Objects.requireNonNull(bounds, "bounds");
    int steps = states.length;
    int n = states[0].length / 2;
    float[] first = states[0];
    float[] last = states[steps - 1];
    return pointPlot(title, bounds, chart -> {
      Charts.legendMarker(chart, Counts.of(first, n, bounds).label("start, t = " + formatTime(times[0])),
          Style.SOURCE, new Charts.Dot(LEGEND_RADIUS));
      Charts.legendMarker(chart, Counts.of(last, n, bounds).label("end, t = " + formatTime(times[steps - 1])),
          Style.GENERATED, new Charts.Dot(LEGEND_RADIUS));
      Charts.legendLine(chart, "trajectory (" + (steps - 1) + " steps)", Style.PATH, LEGEND_LINE);
    }, chart -> {
      // one series, a NaN after each trajectory (and at non-finite states) to break the line
      Polylines lines = through(states, n);
      lines.addTo(chart, "trajectories", Style.alpha(Style.PATH, TRAJECTORY_ALPHA), 0.9f);
      dots(chart, "start", first, n, Style.alpha(Style.SOURCE, 0.9), ENDPOINT_RADIUS);
      dots(chart, "end", last, n, Style.alpha(Style.GENERATED, 0.9), ENDPOINT_RADIUS);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // 4. velocity field

  /**
   * Small multiples of the velocity field {@code v(t, x)}, one panel per time (up to five per
   * row): arrows on a regular {@value #DEFAULT_GRID} x {@value #DEFAULT_GRID} grid of cell centres
   * over {@code bounds}, centred on their grid point. Within a panel the arrow length is
   * proportional to the speed, the fastest arrow being 0.9 grid cells long (so arrows do not
   * overlap and the direction stays readable in slow panels too); the panel title gives that
   * panel's top speed, and the colour shows the speed on one scale for all panels (colour bar on
   * the right).
   *
   * @param out the PNG file to write
   * @param times the times of the panels, e.g. {@code {0, 0.25, 0.5, 0.75, 1}}; 1 to 20 of them
   * @param field the velocity field, called once per time with all grid points
   * @param bounds the data window of every panel
   * @param overlay row-major target samples drawn faintly (in the target colour, labelled "target
   *     samples") under the arrows for orientation, or {@code null} for none
   * @param title title above all panels, or {@code null}
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if {@code field} returns the wrong length or a non-finite
   *     velocity
   */
  public static void velocityField(Path out, double[] times, VelocityGrid field, Bounds bounds, float[] overlay,
      String title) throws IOException {
    velocityField(out, times, field, bounds, DEFAULT_GRID, overlay, title);
  }

  /**
   * As {@link #velocityField(Path, double[], VelocityGrid, Bounds, float[], String)} with
   * {@code gridSize} arrows per axis.
   *
   * @param out the PNG file to write
   * @param times the times of the panels; 1 to 20 of them
   * @param field the velocity field, called once per time with all grid points
   * @param bounds the data window of every panel
   * @param gridSize arrows per axis, 2 to 64
   * @param overlay row-major target samples drawn faintly under the arrows, or {@code null}
   * @param title title above all panels, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void velocityField(Path out, double[] times, VelocityGrid field, Bounds bounds, int gridSize,
      float[] overlay, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderVelocityField(times, field, bounds, gridSize, overlay, title).image());
  }

  static Rendered renderVelocityField(double[] times, VelocityGrid field, Bounds bounds, int gridSize,
      float[] overlay, String title) {
    Objects.requireNonNull(times, "times");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(bounds, "bounds");
    if (times.length < 1 || times.length > 20) {
      throw new IllegalArgumentException("times must have 1 to 20 entries, got " + times.length);
    }
    for (double t : times) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("times must be finite, got " + Arrays.toString(times));
      }
    }
    if (gridSize < 2 || gridSize > 64) {
      throw new IllegalArgumentException("gridSize must be in [2, 64], got " + gridSize);
    }
    if (overlay != null && overlay.length % 2 != 0) {
      throw new IllegalArgumentException("overlay must be row-major n x 2 (even length), got length "
          + overlay.length);
    }

    // evaluate the field on the cell centres, once per time
    int m = gridSize * gridSize;
    double dx = (bounds.xMax() - bounds.xMin()) / gridSize;
    double dy = (bounds.yMax() - bounds.yMin()) / gridSize;
    double[] grid = new double[2 * m];
    for (int j = 0; j < gridSize; j++) {
      for (int i = 0; i < gridSize; i++) {
        grid[2 * (j * gridSize + i)] = bounds.xMin() + (i + 0.5) * dx;
        grid[2 * (j * gridSize + i) + 1] = bounds.yMin() + (j + 0.5) * dy;
      }
    }
    double[][] v = new double[times.length][];
    double[] panelMax = new double[times.length];
    double maxSpeed = 0;
    for (int p = 0; p < times.length; p++) {
      double[] vp = field.velocity(times[p], grid.clone());
      if (vp == null || vp.length != 2 * m) {
        throw new IllegalArgumentException("velocity at t = " + times[p] + " must return " + m + " x 2 = "
            + 2 * m + " values, got " + (vp == null ? "null" : vp.length));
      }
      for (int k = 0; k < m; k++) {
        double s = Math.hypot(vp[2 * k], vp[2 * k + 1]);
        if (!Double.isFinite(s)) {
          throw new IllegalArgumentException("velocity at t = " + times[p] + ", x = (" + grid[2 * k] + ", "
              + grid[2 * k + 1] + ") is not finite: (" + vp[2 * k] + ", " + vp[2 * k + 1] + ")");
        }
        panelMax[p] = Math.max(panelMax[p], s);
      }
      maxSpeed = Math.max(maxSpeed, panelMax[p]);
      v[p] = vp;
    }

    // one XChart chart per panel, sized so that every plot area is pw x ph (equal aspect)
    int panels = times.length;
    // at most three panels a row, so that five times read at their natural size without zooming
    int cols = Math.min(panels, MAX_PANEL_COLUMNS);
    int rowsOfPanels = (panels + cols - 1) / cols;
    double ratio = (bounds.xMax() - bounds.xMin()) / (bounds.yMax() - bounds.yMin());
    int pw = (int) (ratio >= 1 ? PANEL : Math.round(PANEL * ratio));
    int ph = (int) (ratio >= 1 ? Math.round(PANEL / ratio) : PANEL);
    List<XYChart> charts = new ArrayList<>();
    for (int p = 0; p < panels; p++) {
      String panelTitle = "t = " + formatTime(times[p]) + "   (max |v| = " + formatSpeed(panelMax[p]) + ")";
      XYChart chart = Charts.chart(pw + 80, ph + 80, panelTitle, X_LABEL, p % cols == 0 ? Y_LABEL : null);
      chart.getStyler().setChartTitleFont(Style.PANEL_TITLE);
      chart.getStyler().setLegendVisible(false);
      chart.getStyler().setXAxisTickMarkSpacingHint(55);
      chart.getStyler().setYAxisTickMarkSpacingHint(55);
      Charts.xRange(chart, bounds.xMin(), bounds.xMax());
      Charts.yRange(chart, bounds.yMin(), bounds.yMax());
      Charts.fitPlot(chart, pw, ph);
      charts.add(chart);
    }
    double maxShown = maxSpeed > 0 ? maxSpeed : 1;
    XYChart bar = colorBar(maxShown, ph);
    String arrowLabel = "v(t, x) on a " + gridSize + " \u00d7 " + gridSize
        + " grid: length \u221d speed in its panel, colour = speed";
    int panelRowW = 0;
    for (int c = 0; c < cols; c++) {
      panelRowW += charts.get(c).getWidth();
    }
    int width = panelRowW + bar.getWidth() + PAD;
    XYChart legend = legendStrip(width, arrowLabel, overlay != null);
    int titleH = title != null ? 34 : 0;
    int rowH = charts.get(0).getHeight();
    int height = PAD / 2 + titleH + rowsOfPanels * rowH + legend.getHeight();

    // the colour bar's plot area level with the first row of panels
    int panelTop = PAD / 2 + titleH;
    int barTop = (int) Math.round(panelTop + new Axes(charts.get(0), 0, 0).plot().getY()
        - new Axes(bar, 0, 0).plot().getY());

    BufferedImage image = Style.newImage(width, height);
    Graphics2D g = Style.graphics(image);
    List<Axes> axes = new ArrayList<>();
    try {
      if (title != null) {
        Charts.centredTitle(g, title, width / 2.0, PAD / 2.0 + 4, width - 2 * PAD);
      }
      double cellPx = Math.min((double) pw / gridSize, (double) ph / gridSize);
      double shaft = Math.max(1.0, Math.min(1.6, cellPx / 10));
      for (int p = 0; p < panels; p++) {
        XYChart chart = charts.get(p);
        if (overlay != null) {
          dots(chart, "overlay", overlay, overlay.length / 2, Style.alpha(Style.TARGET, 0.14), 1.5);
        }
        int x = 0;
        for (int c = 0; c < p % cols; c++) {
          x += charts.get(c).getWidth();
        }
        Axes ax = Charts.paint(chart, g, x, panelTop + (p / cols) * rowH);
        axes.add(ax);
        quiver(g, ax, grid, v[p], panelMax[p], maxSpeed, 0.9 * cellPx, shaft);
      }
      paintGradient(g, Charts.paint(bar, g, panelRowW, barTop), maxShown);
      Charts.paint(legend, g, 0, height - legend.getHeight());
    } finally {
      g.dispose();
    }
    return new Rendered(image, List.copyOf(axes));
  }

  /** Arrows centred on their grid points, in the direction of {@code v} on screen. */
  private static void quiver(Graphics2D g, Axes ax, double[] grid, double[] v, double panelMax, double maxSpeed,
      double longest, double shaft) {
    Graphics2D ag = (Graphics2D) g.create();
    try {
      Rectangle2D plot = ax.plot();
      ag.clip(plot);
      double xPerUnit = plot.getWidth() / (ax.xMax() - ax.xMin());
      double yPerUnit = -plot.getHeight() / (ax.yMax() - ax.yMin());
      for (int k = 0; k < grid.length / 2; k++) {
        double cx = ax.px(grid[2 * k]);
        double cy = ax.py(grid[2 * k + 1]);
        double speed = Math.hypot(v[2 * k], v[2 * k + 1]);
        double len = panelMax > 0 ? longest * speed / panelMax : 0;
        // screen direction of v through the chart's own (linear) mapping; screen y grows downwards
        double sx = v[2 * k] * xPerUnit;
        double sy = v[2 * k + 1] * yPerUnit;
        double sl = Math.hypot(sx, sy);
        double ux = sl > 0 ? sx / sl : 0;
        double uy = sl > 0 ? sy / sl : 0;
        Arrows.draw(ag, cx - ux * len / 2, cy - uy * len / 2, cx + ux * len / 2, cy + uy * len / 2,
            Style.speedColor(maxSpeed > 0 ? speed / maxSpeed : 0), shaft);
      }
    } finally {
      ag.dispose();
    }
  }

  /** A narrow chart whose y axis (on the right) is the speed; the gradient is painted into its plot. */
  private static XYChart colorBar(double maxSpeed, int plotHeight) {
    XYChart bar = Charts.chart(120, plotHeight + 60, null, null, "speed |v(t, x)|");
    bar.getStyler().setLegendVisible(false);
    bar.getStyler().setXAxisTicksVisible(false);
    bar.getStyler().setPlotGridLinesVisible(false);
    bar.getStyler().setYAxisGroupPosition(0, YAxisPosition.Right);
    bar.getStyler().setYAxisTickMarkSpacingHint(60);
    // XChart collapses an axis shorter than its tick spacing hint; the bar's x axis is 14 px
    bar.getStyler().setXAxisTickMarkSpacingHint(4);
    bar.getStyler().setChartPadding(0);
    Charts.xRange(bar, 0, 1);
    Charts.yRange(bar, 0, maxSpeed);
    Charts.fitPlot(bar, BAR, plotHeight);
    return bar;
  }

  /** Fills the colour bar's plot area with the speed colours, slow at the bottom. */
  private static void paintGradient(Graphics2D g, Axes bar, double maxSpeed) {
    Rectangle2D p = bar.plot();
    int steps = (int) Math.max(2, Math.round(p.getHeight()));
    for (int i = 0; i < steps; i++) {
      double y0 = bar.py((i + 1) * maxSpeed / steps);
      double y1 = bar.py(i * maxSpeed / steps);
      g.setColor(Style.speedColor((i + 0.5) / steps));
      g.fill(new Rectangle2D.Double(p.getX(), y0, p.getWidth(), y1 - y0 + 0.6));
    }
    g.setColor(Style.FRAME);
    g.setStroke(new BasicStroke(1f));
    g.draw(new Rectangle2D.Double(p.getX(), p.getY(), p.getWidth(), p.getHeight()));
  }

  /** A chart of the full figure width that shows nothing but the legend of the velocity figure. */
  private static XYChart legendStrip(int width, String arrowLabel, boolean withOverlay) {
    XYChart strip = Charts.chart(width, 100, null, null, null);
    XYStyler s = strip.getStyler();
    s.setAxisTicksVisible(false);
    s.setPlotBorderVisible(false);
    s.setPlotGridLinesVisible(false);
    s.setLegendPosition(LegendPosition.InsideN);
    s.setLegendPadding(8);
    s.setChartPadding(0);
    Charts.xRange(strip, 0, 1);
    Charts.yRange(strip, 0, 1);
    Charts.legendMarker(strip, arrowLabel, Style.speedColor(0.7), new Charts.ArrowGlyph());
    if (withOverlay) {
      Charts.legendMarker(strip, "target samples", Style.alpha(Style.TARGET, 0.5), new Charts.Dot(LEGEND_RADIUS));
    }
    Charts.fitLegend(strip);
    boolean stacked = s.getLegendLayout() == LegendLayout.Vertical;
    int lines = 0;
    for (XYSeries series : strip.getSeriesCollection()) {
      int n = series.getLabel().split("\n").length;
      lines = stacked ? lines + n : Math.max(lines, n);
    }
    Charts.layOut(strip, width, 20 + 19 * lines);
    return strip;
  }

  /** A speed with three significant digits. */
  private static String formatSpeed(double s) {
    return new BigDecimal(s).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  // ---------------------------------------------------------------------------------------------
  // 5. loss

  /**
   * The training loss per step (light grey) and its trailing moving average over
   * {@value #LOSS_WINDOW} steps (black, from step {@value #LOSS_WINDOW} on) on a log-scale y axis;
   * runs shorter than the window show the per-step loss alone, in dark grey;
   * x is the step, starting at 1. Non-positive or non-finite losses cannot be shown on a log axis
   * and leave a gap; a window containing a non-finite loss has no average. To show held-out
   * losses as well, use {@link #lossCurve(Path, double[], double[][], double[][], int, String)}.
   *
   * @param out the PNG file to write
   * @param lossPerStep the loss of each training step, at least one
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void lossCurve(Path out, double[] lossPerStep, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderLossCurve(lossPerStep, title).image());
  }

  /**
   * The training loss as {@link #lossCurve(Path, double[], String)}, with the losses measured at
   * intervals on top, so that overfitting shows: the loss on held-out rows (red line with markers)
   * and the loss on a fixed subset of the training rows measured the same way, with the same draws
   * (blue line with markers). While both fall, the model is learning; the held-out loss rising while
   * the training rows keep falling is overfitting. The y axis covers every series. When the weights
   * of an earlier step were kept (say, those of the lowest held-out loss), a dashed vertical line
   * marks that step, labelled {@code "kept: step k"}, and the held-out point at that step, if there
   * is one, is ringed.
   *
   * <p>With no rows in either array and {@code keptStep} 0, the figure is that of the
   * three-argument overload, pixel for pixel.
   *
   * @param out the PNG file to write
   * @param lossPerStep the loss of each training step, at least one
   * @param heldOut rows {@code {step, loss}} of the held-out evaluations: whole steps in
   *     {@code [1, lossPerStep.length]}, each at most once, in any order; losses finite and
   *     {@code > 0} (a log axis); may be empty
   * @param trainingRows rows {@code {step, loss}} of the evaluations on the training subset, under
   *     the same rules; normally at the same steps as {@code heldOut}; may be empty
   * @param keptStep the step whose weights were kept, in {@code [0, lossPerStep.length]}; 0 (or the
   *     last step) means the weights at the end of training and draws nothing extra
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void lossCurve(Path out, double[] lossPerStep, double[][] heldOut, double[][] trainingRows,
      int keptStep, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderLossCurve(lossPerStep, heldOut, trainingRows, keptStep, title).image());
  }

  static Rendered renderLossCurve(double[] loss, String title) {
    return renderLossCurve(loss, new double[0][], new double[0][], 0, title);
  }

  static Rendered renderLossCurve(double[] loss, double[][] heldOut, double[][] trainingRows, int keptStep,
      String title) {
    Objects.requireNonNull(loss, "lossPerStep");
    if (loss.length == 0) {
      throw new IllegalArgumentException("lossPerStep must not be empty");
    }
    double[][] held = checkEvaluations("heldOut", heldOut, loss.length);
    double[][] train = checkEvaluations("trainingRows", trainingRows, loss.length);
    if (keptStep < 0 || keptStep > loss.length) {
      throw new IllegalArgumentException("keptStep must be in [0, " + loss.length
          + "] (the length of lossPerStep; 0 for the last step), got " + keptStep);
    }
    boolean kept = keptStep > 0 && keptStep < loss.length;
    double[] average = movingAverage(loss, LOSS_WINDOW);
    double[] all = Arrays.copyOf(loss, loss.length + average.length + held.length + train.length);
    System.arraycopy(average, 0, all, loss.length, average.length);
    for (int i = 0; i < held.length; i++) {
      all[loss.length + average.length + i] = held[i][1];
    }
    for (int i = 0; i < train.length; i++) {
      all[loss.length + average.length + held.length + i] = train[i][1];
    }
    LogAxis yAxis = LogAxis.covering(all);
    boolean alone = average.length == 0;

    XYChart chart = Charts.chart(LOSS_WIDTH, LOSS_HEIGHT, title, "step", "loss (log scale)");
    double xMax = loss.length > 1 ? loss.length : 2;
    if (held.length + train.length > 0) {
      // room for whole markers at the first and the last step, which the plot's edges would cut in half
      double pad = EVALUATION_MARGIN * xMax;
      Charts.xRange(chart, -pad, xMax + pad);
    } else {
      Charts.xRange(chart, 0, xMax);
    }
    Charts.yLog(chart, yAxis);
    Charts.legendLine(chart, "per step", alone ? LOSS_RAW_ALONE : LOSS_RAW, LEGEND_LINE);
    if (!alone) {
      Charts.legendLine(chart, "moving average (" + LOSS_WINDOW + " steps)", LOSS_AVERAGE, LEGEND_LINE);
    }
    if (train.length > 0) {
      legendLineWithDots(chart, "training rows (same draws)", TRAINING_ROWS);
    }
    if (held.length > 0) {
      legendLineWithDots(chart, "held-out rows", HELD_OUT);
    }
    line(chart, "loss", 1, loss, alone ? LOSS_RAW_ALONE : LOSS_RAW, alone ? 1.4f : 0.8f);
    if (!alone) {
      line(chart, "average", LOSS_WINDOW, average, LOSS_AVERAGE, 1.8f);
    }
    if (kept) {
      // over the per-step trace, which would hide it, and under the evaluations
      XYSeries v = Charts.data(chart, "kept", new double[] {keptStep, keptStep},
          new double[] {chart.getStyler().getYAxisMin(), chart.getStyler().getYAxisMax()}, XYSeriesRenderStyle.Line);
      v.setLineColor(KEPT);
      v.setLineStyle(Style.DASHED);
    }
    evaluations(chart, "training rows", train, TRAINING_ROWS);
    evaluations(chart, "held-out rows", held, HELD_OUT);
    for (double[] row : held) {
      if (kept && row[0] == keptStep) {
        XYSeries ring = Charts.data(chart, "kept held-out", new double[] {row[0]}, new double[] {row[1]},
            XYSeriesRenderStyle.Scatter);
        ring.setMarker(new Charts.Ring(KEPT_RING_RADIUS, 2f));
        ring.setMarkerColor(KEPT);
      }
    }
    Charts.fitLegend(chart);
    Rendered r = single(chart, null, yAxis);
    if (kept) {
      keptLabel(r.image(), r.axes().get(0), "kept: step " + String.format(Locale.ROOT, "%,d", keptStep), keptStep);
    }
    return r;
  }

  /** The rows {@code {step, loss}} sorted by step, after checking them against the number of steps. */
  private static double[][] checkEvaluations(String name, double[][] rows, int steps) {
    Objects.requireNonNull(rows, name);
    double[][] sorted = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double[] r = rows[i];
      if (r == null || r.length != 2) {
        throw new IllegalArgumentException(name + "[" + i + "] must be a row {step, loss} of length 2, got "
            + Arrays.toString(r));
      }
      if (!(r[0] >= 1 && r[0] <= steps) || r[0] != Math.rint(r[0])) {
        throw new IllegalArgumentException(name + "[" + i + "]: the step must be a whole number in [1, " + steps
            + "] (the length of lossPerStep), got " + r[0]);
      }
      if (!(r[1] > 0) || !Double.isFinite(r[1])) {
        throw new IllegalArgumentException(name + "[" + i + "]: the loss must be finite and > 0 for a log axis, got "
            + r[1] + " at step " + (long) r[0]);
      }
      sorted[i] = r.clone();
    }
    Arrays.sort(sorted, Comparator.comparingDouble(r -> r[0]));
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i][0] == sorted[i - 1][0]) {
        throw new IllegalArgumentException(name + " has two rows at step " + (long) sorted[i][0] + ": "
            + Arrays.toString(sorted[i - 1]) + " and " + Arrays.toString(sorted[i]));
      }
    }
    return sorted;
  }

  /** A line with a dot at each row {@code {step, loss}} (sorted by step), not listed in the legend. */
  private static void evaluations(XYChart chart, String name, double[][] rows, Color color) {
    if (rows.length == 0) {
      return;
    }
    double[] xs = new double[rows.length];
    double[] ys = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      xs[i] = rows[i][0];
      ys[i] = rows[i][1];
    }
    XYSeries s = Charts.data(chart, name, xs, ys, XYSeriesRenderStyle.Line);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    s.setMarker(new Charts.Dot(EVALUATION_RADIUS));
    s.setMarkerColor(color);
  }

  /** A legend entry of a line with a dot on it. */
  private static void legendLineWithDots(XYChart chart, String label, Color color) {
    XYSeries entry = Charts.legendLine(chart, label, color, LEGEND_LINE);
    entry.setMarker(new Charts.Dot(EVALUATION_RADIUS));
    entry.setMarkerColor(color);
  }

  /**
   * The label of the kept step at the top of the plot area, right of its line (left of it near the
   * right edge), on a translucent white box so that the loss traces underneath do not garble it.
   */
  private static void keptLabel(BufferedImage image, Axes ax, String text, int step) {
    Graphics2D g = Style.graphics(image);
    try {
      FontRenderContext frc = g.getFontRenderContext();
      Rectangle2D plot = ax.plot();
      double w = Style.TICK.getStringBounds(text, frc).getWidth();
      double ascent = Style.TICK.getLineMetrics(text, frc).getAscent();
      double descent = Style.TICK.getLineMetrics(text, frc).getDescent();
      double x = ax.px(step) + 5;
      if (x + w + 3 > plot.getMaxX()) {
        x = ax.px(step) - 5 - w;
      }
      double top = plot.getY() + 4;
      g.setColor(Style.alpha(Style.BACKGROUND, 0.85));
      g.fill(new Rectangle2D.Double(x - 3, top, w + 6, ascent + descent + 4));
      g.setFont(Style.TICK);
      g.setColor(Style.TEXT);
      g.drawString(text, (float) x, (float) (top + 2 + ascent));
    } finally {
      g.dispose();
    }
  }

  /** Trailing means over {@code window} values; entry {@code i} averages {@code values[i .. i+window-1]}. */
  static double[] movingAverage(double[] values, int window) {
    if (values.length < window) {
      return new double[0];
    }
    double[] out = new double[values.length - window + 1];
    double sum = 0;
    int bad = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) {
        sum += values[i];
      } else {
        bad++;
      }
      if (i >= window) {
        if (Double.isFinite(values[i - window])) {
          sum -= values[i - window];
        } else {
          bad--;
        }
      }
      if (i >= window - 1) {
        out[i - window + 1] = bad > 0 ? Double.NaN : sum / window;
      }
    }
    return out;
  }

  /** A line through {@code (firstX + i, y[i])} on a log y axis, broken where {@code y[i]} is not positive. */
  private static void line(XYChart chart, String name, double firstX, double[] y, Color color, float width) {
    double[] xs = new double[y.length];
    double[] ys = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      xs[i] = firstX + i;
      ys[i] = y[i] > 0 && Double.isFinite(y[i]) ? y[i] : Double.NaN;
    }
    XYSeries s = Charts.data(chart, name, xs, ys, XYSeriesRenderStyle.Line);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    if (y.length == 1) {
      // a line through one point draws nothing
      s.setMarker(new Charts.Dot(2.5));
      s.setMarkerColor(color);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 6. quality versus NFE

  /**
   * Sample quality against the number of function evaluations on log-log axes: one line with
   * markers per solver (in the map's iteration order, so pass a {@link java.util.LinkedHashMap} to
   * fix the colours), and the noise floor (the same metric between two independent target samples)
   * as a grey band from {@code floorLow} to {@code floorHigh} with a dashed line at
   * {@code floorMean}. Values {@code <= 0} (possible for unbiased estimators) cannot be shown on a
   * log axis and are skipped; the legend counts them.
   *
   * @param out the PNG file to write
   * @param series solver name to rows {@code {nfe, value}}, {@code nfe > 0}; rows in any order
   * @param floorMean mean of the noise floor, or {@code NaN} (all three {@code NaN}: no floor)
   * @param floorLow lower end of the band, {@code <= floorMean}
   * @param floorHigh upper end of the band, {@code >= floorMean}
   * @param yLabel label of the y axis, e.g. {@code "energy distance D\u00b2"}
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void qualityVsNfe(Path out, Map<String, double[][]> series, double floorMean, double floorLow,
      double floorHigh, String yLabel, String title) throws IOException {
    qualityVs(out, series, floorMean, floorLow, floorHigh, "NFE (velocity evaluations)", yLabel, title);
  }

  /**
   * As {@link #qualityVsNfe}, with another quantity on the (log) x axis, e.g. wall time.
   *
   * @param out the PNG file to write
   * @param series series name to rows {@code {x, value}}, {@code x > 0}
   * @param floorMean mean of the noise floor, or {@code NaN} for none
   * @param floorLow lower end of the band
   * @param floorHigh upper end of the band
   * @param xLabel label of the x axis, e.g. {@code "wall time (s)"}
   * @param yLabel label of the y axis
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void qualityVs(Path out, Map<String, double[][]> series, double floorMean, double floorLow,
      double floorHigh, String xLabel, String yLabel, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderQualityVs(series, floorMean, floorLow, floorHigh, xLabel, yLabel, title).image());
  }

  static Rendered renderQualityVsNfe(Map<String, double[][]> series, double floorMean, double floorLow,
      double floorHigh, String yLabel, String title) {
    return renderQualityVs(series, floorMean, floorLow, floorHigh, "NFE (velocity evaluations)", yLabel, title);
  }

  static Rendered renderQualityVs(Map<String, double[][]> series, double floorMean, double floorLow,
      double floorHigh, String xLabel, String yLabel, String title) {
    Objects.requireNonNull(series, "series");
    boolean noFloor = Double.isNaN(floorMean) && Double.isNaN(floorLow) && Double.isNaN(floorHigh);
    if (!noFloor && (!Double.isFinite(floorMean) || !Double.isFinite(floorLow) || !Double.isFinite(floorHigh)
        || floorLow > floorMean || floorMean > floorHigh)) {
      throw new IllegalArgumentException("noise floor must be finite with floorLow <= floorMean <= floorHigh"
          + " (or all NaN for none), got mean " + floorMean + ", low " + floorLow + ", high " + floorHigh);
    }
    List<String> names = new ArrayList<>();
    List<double[][]> data = new ArrayList<>();
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "series name");
      double[][] rows = Objects.requireNonNull(e.getValue(), "series " + name);
      double[][] sorted = new double[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        double[] r = rows[i];
        if (r == null || r.length != 2 || !(r[0] > 0) || !Double.isFinite(r[0])) {
          throw new IllegalArgumentException("series " + name + " row " + i + " must be {nfe > 0, value}, got "
              + Arrays.toString(r));
        }
        sorted[i] = r.clone();
        xs.add(r[0]);
        ys.add(r[1]);
      }
      Arrays.sort(sorted, Comparator.comparingDouble(r -> r[0]));
      names.add(name);
      data.add(sorted);
    }
    if (!noFloor) {
      ys.add(floorLow);
      ys.add(floorHigh);
      ys.add(floorMean);
    }
    LogAxis xAxis = LogAxis.covering(xs.stream().mapToDouble(Double::doubleValue).toArray());
    LogAxis yAxis = LogAxis.covering(ys.stream().mapToDouble(Double::doubleValue).toArray());

    XYChart chart = Charts.chart(QUALITY_WIDTH, QUALITY_HEIGHT, title, xLabel, yLabel);
    Charts.xLog(chart, xAxis);
    Charts.yLog(chart, yAxis);
    if (!noFloor) {
      // the band as a filled polygon over the whole width, the mean as a dashed line; both drawn
      // first (underneath the solvers), listed last in the legend
      double low = floorLow > 0 ? floorLow : yAxis.min();
      double high = Math.max(floorHigh, low);
      XYSeries band = Charts.data(chart, "floor band", new double[] {xAxis.min(), xAxis.max(), xAxis.max(),
          xAxis.min()}, new double[] {low, low, high, high}, XYSeriesRenderStyle.PolygonArea);
      band.setFillColor(Style.BAND);
      band.setLineColor(new Color(0, 0, 0, 0));
      if (floorMean > 0) {
        XYSeries mean = Charts.data(chart, "floor mean", new double[] {xAxis.min(), xAxis.max()},
            new double[] {floorMean, floorMean}, XYSeriesRenderStyle.Line);
        mean.setLineColor(FLOOR_LINE);
        mean.setLineStyle(Style.DASHED);
      }
    }
    for (int s = 0; s < names.size(); s++) {
      double[][] rows = data.get(s);
      double[] sx = new double[rows.length];
      double[] sy = new double[rows.length];
      int hidden = 0;
      for (int i = 0; i < rows.length; i++) {
        sx[i] = rows[i][0];
        sy[i] = rows[i][1] > 0 && Double.isFinite(rows[i][1]) ? rows[i][1] : Double.NaN;
        if (Double.isNaN(sy[i])) {
          hidden++;
        }
      }
      Color c = Style.SERIES[s % Style.SERIES.length];
      if (rows.length == 0) {
        Charts.legendLine(chart, names.get(s) + " (no data)", c, LEGEND_LINE);
        continue;
      }
      XYSeries line = chart.addSeries("\u0000series " + s, sx, sy);
      line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      String label = names.get(s) + (hidden > 0 ? " (" + hidden + " \u2264 0 not shown)" : "");
      line.setLabel(Charts.legendLabel(chart, label));
      line.setLineColor(c);
      line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      line.setMarker(new Charts.Dot(3.5));
      line.setMarkerColor(c);
    }
    if (!noFloor) {
      Charts.legendBox(chart, "noise floor: target vs target, min\u2013max", Style.BAND);
      if (floorMean > 0) {
        Charts.legendLine(chart, "noise floor, mean", FLOOR_LINE, Style.DASHED);
      }
    }
    if (Charts.fitLegend(chart) && chart.getStyler().getLegendLayout() == LegendLayout.Vertical) {
      // many solvers: a column beside the plot keeps the plot its height, where a column below would not
      chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    }
    return single(chart, xAxis, yAxis);
  }

  // ---------------------------------------------------------------------------------------------
  // shared

  /**
   * A square point plot with equal aspect on {@code bounds}: the chart is sized so that its plot
   * area has the aspect of the bounds and centred on the {@value #SQUARE} px square image.
   */
  private static Rendered pointPlot(String title, Bounds bounds, Consumer<XYChart> legend,
      Consumer<XYChart> data) {
    XYChart chart = Charts.chart(SQUARE, SQUARE, title, X_LABEL, Y_LABEL);
    Charts.xRange(chart, bounds.xMin(), bounds.xMax());
    Charts.yRange(chart, bounds.yMin(), bounds.yMax());
    legend.accept(chart);
    double aspect = (bounds.xMax() - bounds.xMin()) / (bounds.yMax() - bounds.yMin());
    Dimension size = Charts.fitAspect(chart, SQUARE, SQUARE, aspect);
    for (int round = 0; round < 3 && Charts.fitLegend(chart); round++) {
      size = Charts.fitAspect(chart, SQUARE, SQUARE, aspect);
    }
    data.accept(chart);
    BufferedImage image = Style.newImage(SQUARE, SQUARE);
    Graphics2D g = Style.graphics(image);
    try {
      Axes ax = Charts.paint(chart, g, (SQUARE - size.width) / 2, (SQUARE - size.height) / 2);
      return new Rendered(image, List.of(ax));
    } finally {
      g.dispose();
    }
  }

  /** Paints one chart filling its image; grid lines on log axes at labelled ticks only. */
  private static Rendered single(XYChart chart, LogAxis xLog, LogAxis yLog) {
    BufferedImage image = Style.newImage(chart.getWidth(), chart.getHeight());
    Graphics2D g = Style.graphics(image);
    try {
      return new Rendered(image, List.of(Charts.paint(chart, g, 0, 0, xLog, yLog)));
    } finally {
      g.dispose();
    }
  }

  /** A scatter series of the finite ones among the first {@code n} points, if there are any. */
  private static void dots(XYChart chart, String name, float[] xy, int n, Color color, double r) {
    double[] xs = new double[n];
    double[] ys = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (finite(xy[2 * i], xy[2 * i + 1])) {
        xs[k] = xy[2 * i];
        ys[k] = xy[2 * i + 1];
        k++;
      }
    }
    if (k > 0) {
      Charts.dots(chart, name, Arrays.copyOf(xs, k), Arrays.copyOf(ys, k), color, r);
    }
  }

  /** Many polylines as one XChart line series: XChart breaks a line at a NaN y value. */
  private static final class Polylines {

    private double[] x = new double[64];
    private double[] y = new double[64];
    private int size;
    private boolean open;

    void add(double px, double py) {
      push(px, py);
      open = true;
    }

    /** Ends the current polyline (if any). */
    void end() {
      if (open) {
        push(x[size - 1], Double.NaN);
        open = false;
      }
    }

    void addTo(XYChart chart, String name, Color color, float width) {
      if (size == 0) {
        return;
      }
      XYSeries s = Charts.data(chart, name, Arrays.copyOf(x, size), Arrays.copyOf(y, size),
          XYSeriesRenderStyle.Line);
      s.setLineColor(color);
      s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }

    private void push(double px, double py) {
      if (size == x.length) {
        x = Arrays.copyOf(x, 2 * size);
        y = Arrays.copyOf(y, 2 * size);
      }
      x[size] = px;
      y[size] = py;
      size++;
    }
  }

  private static boolean finite(float x, float y) {
    return Float.isFinite(x) && Float.isFinite(y);
  }

  /** Counts of a point cloud for its legend label. */
  private record Counts(int n, int nonFinite, int outside) {

    static Counts of(float[] xy, int n, Bounds b) {
      int nonFinite = 0;
      int outside = 0;
      for (int i = 0; i < n; i++) {
        float x = xy[2 * i];
        float y = xy[2 * i + 1];
        if (!finite(x, y)) {
          nonFinite++;
        } else if (x < b.xMin() || x > b.xMax() || y < b.yMin() || y > b.yMax()) {
          outside++;
        }
      }
      return new Counts(n, nonFinite, outside);
    }

    String label(String name) {
      StringBuilder sb = new StringBuilder(name).append(" (").append(String.format(Locale.ROOT, "%,d", n));
      // no-break spaces keep a count with its word when the legend wraps the label
      if (outside > 0) {
        sb.append("; ").append(String.format(Locale.ROOT, "%,d", outside)).append("\u00a0outside");
      }
      if (nonFinite > 0) {
        sb.append("; ").append(String.format(Locale.ROOT, "%,d", nonFinite)).append("\u00a0non-finite");
      }
      return sb.append(')').toString();
    }
  }

  private static void checkPoints(String name, float[] xy, int n) {
    Objects.requireNonNull(xy, name);
    if (n < 1) {
      throw new IllegalArgumentException(name + ": the number of points must be >= 1, got " + n);
    }
    if (xy.length < 2L * n) {
      throw new IllegalArgumentException(name + " must hold at least " + n + " x 2 = " + 2L * n
          + " values (row-major n x 2), got length " + xy.length);
    }
  }

  private static void checkStates(float[][] states, double[] times) {
    Objects.requireNonNull(states, "states");
    Objects.requireNonNull(times, "times");
    if (states.length < 2 || times.length != states.length) {
      throw new IllegalArgumentException("need at least 2 states and one time per state, got " + states.length
          + " states and " + times.length + " times");
    }
    for (int k = 0; k < states.length; k++) {
      Objects.requireNonNull(states[k], "states[" + k + "]");
      if (states[k].length != states[0].length || states[k].length == 0 || states[k].length % 2 != 0) {
        throw new IllegalArgumentException("every states[k] must be row-major n x 2 of the same length, got "
            + "states[0].length " + states[0].length + " and states[" + k + "].length " + states[k].length);
      }
      if (!Double.isFinite(times[k]) || (k > 0 && !(times[k] > times[k - 1]))) {
        throw new IllegalArgumentException("times must be finite and increasing, got " + Arrays.toString(times));
      }
    }
  }

  /** The first {@code n} rows of a row-major n x 2 array. */
  private static float[] rows(float[] xy, int n) {
    return xy.length == 2 * n ? xy : Arrays.copyOf(xy, 2 * n);
  }

  /** A time for labels: up to three decimals, no trailing zeros ({@code 0}, {@code 0.25}, {@code 1}). */
  static String formatTime(double t) {
    return new BigDecimal(t).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
