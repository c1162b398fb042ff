package org.fmjvm.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.knowm.xchart.style.XYStyler;

/**
 * Figures that compare a generated table with the real one: the distribution of each column
 * ({@link #columnHistograms}), the joint distribution of a few columns ({@link #pairPlot}) and
 * the difference of the two Pearson correlation matrices ({@link #correlationDifference}).
 *
 * <p>Tables are row-major {@code float} arrays of exactly {@code rows x dim} values: the value of
 * row {@code i}, column {@code j} is {@code table[i * dim + j]}; {@code names} holds the
 * {@code dim} column names. Real data are drawn in the target colour (orange), generated data in
 * the generated colour (green), as in {@link Figures}. Non-finite values are not drawn; a panel
 * that cannot show more than 2% of a column's rows (outside its axis or not finite) says so.
 *
 * <p>Histograms are densities (the share of the rows in a bin divided by the bin width), so tables
 * with different numbers of rows compare. Real and generated data share the bins of a column:
 * equal bins from the lower 0.5th to the upper 99.5th percentile of the two columns (the generated
 * ones reach at most one real range beyond the real ones, so that a diverged model cannot squeeze
 * the real histogram), 10 to 40 of them. A real column of whole numbers gets bins of whole-number
 * width centred on the integers, one per integer when its range holds at most 40 of them; when it
 * has at most {@value #MAX_DISCRETE} distinct values, the bins cover all of them.
 *
 * <p>As in {@link Figures}, every method renders the whole image in memory and then writes it
 * atomically through {@link Png#write}; missing parent directories are created and, if rendering
 * or writing fails, no temporary file is left behind and an existing {@code out} is unchanged.
 * Titles may be {@code null} for none. The methods keep no state, may be called concurrently (for
 * different {@code out} paths) and work headless.
 */
public final class TableFigures {

  /** Most columns {@link #columnHistograms} shows (the first ones); the subtitle says how many. */
  public static final int MAX_HISTOGRAMS = 20;
  /** Most columns of a {@link #pairPlot}. */
  public static final int MAX_PAIR_COLUMNS = 6;
  /** Most real and most generated points drawn in each scatter panel of a {@link #pairPlot}. */
  public static final int MAX_POINTS = 1_000;
  /** Most columns of a {@link #correlationDifference} map. */
  public static final int MAX_MATRIX_COLUMNS = 400;
  /**
   * A real column of at most this many distinct whole numbers is treated as categories: its
   * histogram covers all of them, not only the central 99% of the rows.
   */
  public static final int MAX_DISCRETE = 30;

  /** Histogram panels per row. */
  static final int HISTOGRAMS_PER_ROW = 5;
  /** Plot area of one histogram panel (pixels). */
  static final int HIST_W = 180;
  static final int HIST_H = 110;
  /** Width of the pair plot's panel grid (pixels), divided among its columns. */
  static final int PAIR_GRID = 940;
  static final int PAIR_GAP = 10;
  /** Side of the correlation map (pixels) when its cells are not at their largest. */
  static final int MATRIX_SIDE = 832;
  static final int MAX_CELL = 48;
  /** Share of the rows a panel must miss before it says so. */
  static final double MISSING_NOTE = 0.02;

  static final Color REAL = Style.TARGET;
  static final Color GENERATED = Style.GENERATED;
  static final Color REAL_FILL = Style.alpha(Style.TARGET, 0.42);
  static final double POINT_ALPHA = 0.4;
  static final double POINT_RADIUS = 1.7;

  private static final double LOW_QUANTILE = 0.005;
  private static final double HIGH_QUANTILE = 0.995;
  private static final int MIN_BINS = 10;
  /** Most bins of a histogram; a column of up to this many consecutive integers gets one bin each. */
  private static final int MAX_BINS = 40;
  private static final int PAD = 12;
  private static final int TITLE_H = 30;
  private static final int SUBTITLE_H = 22;
  private static final int LEGEND_ROW = 24;
  private static final Font NOTE = Style.TICK.deriveFont(11f);
  private static final FontRenderContext FRC = new FontRenderContext(null, true, false);
  private static final BasicStroke GEN_STROKE = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER);
  private static final Color CLEAR = new Color(0, 0, 0, 0);

  private TableFigures() {}

  /** A correlation map and where its cells are, for tests. */
  record Matrix(BufferedImage image, Rectangle2D grid, int size) {

    /** Pixel column of the centre of matrix column {@code j}. */
    double cx(int j) {
      return grid.getX() + (j + 0.5) * grid.getWidth() / size;
    }

    /** Pixel row of the centre of matrix row {@code i}. */
    double cy(int i) {
      return grid.getY() + (i + 0.5) * grid.getHeight() / size;
    }

    double cell() {
      return grid.getWidth() / size;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. column histograms

  /**
   * Small multiples of the column distributions: one panel per column (the first
   * {@value #MAX_HISTOGRAMS}; the subtitle says how many of how many), titled with the column
   * name, {@value #HISTOGRAMS_PER_ROW} panels a row. Each panel shows the real column's density
   * as a semi-transparent orange area and the generated column's density on the same bins as a
   * green outline; the y axis (density) has no labels, as its scale differs between panels.
   *
   * @param out the PNG file to write
   * @param real row-major real table, exactly {@code realRows x dim} values
   * @param realRows number of real rows, at least 1
   * @param generated row-major generated table, exactly {@code genRows x dim} values
   * @param genRows number of generated rows, at least 1
   * @param dim number of columns, at least 1
   * @param names the {@code dim} column names
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void columnHistograms(Path out, float[] real, int realRows, float[] generated, int genRows, int dim,
      List<String> names, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderColumnHistograms(real, realRows, generated, genRows, dim, names, title).image());
  }

  static Figures.Rendered renderColumnHistograms(float[] real, int realRows, float[] generated, int genRows,
      int dim, List<String> names, String title) {
    checkTables(real, realRows, generated, genRows, dim, names);
    int panels = Math.min(dim, MAX_HISTOGRAMS);
    int cols = Math.min(panels, HISTOGRAMS_PER_ROW);
    int rowsOfPanels = (panels + cols - 1) / cols;

    List<XYChart> charts = new ArrayList<>();
    List<Histograms> hists = new ArrayList<>();
    for (int j = 0; j < panels; j++) {
      Column r = Column.of(real, realRows, dim, j);
      Column g = Column.of(generated, genRows, dim, j);
      Histograms h = Histograms.of(r, g);
      XYChart chart = Charts.chart(HIST_W + 60, HIST_H + 80, names.get(j), null, null);
      XYStyler s = chart.getStyler();
      s.setChartTitleFont(Style.LABEL);
      chart.setTitle(fit(names.get(j), Style.LABEL, HIST_W + 10));
      s.setLegendVisible(false);
      s.setYAxisTicksVisible(false);
      s.setPlotGridHorizontalLinesVisible(false);
      s.setXAxisTickMarkSpacingHint(50);
      // room for a tick label near either end, which XChart would leave out
      s.setChartPadding(24);
      range(chart, h.bins.lo(), h.bins.hi(), 0, h.top());
      Charts.fitPlot(chart, HIST_W, HIST_H);
      charts.add(chart);
      hists.add(h);
    }
    Margins m = Margins.of(charts);
    int cellW = (int) Math.ceil(m.left + HIST_W + m.right) + 6;
    int cellH = (int) Math.ceil(m.top + HIST_H + m.bottom) + 4;
    int width = Math.max(2 * PAD + cols * cellW, 520);
    int gridLeft = (width - cols * cellW) / 2;
    int titleH = title != null ? TITLE_H : 0;
    int gridTop = PAD + titleH + SUBTITLE_H + LEGEND_ROW + 6;
    int height = gridTop + rowsOfPanels * cellH + PAD / 2;

    BufferedImage image = Style.newImage(width, height);
    Graphics2D g = Style.graphics(image);
    List<Axes> axes = new ArrayList<>();
    try {
      if (title != null) {
        Charts.centredTitle(g, title, width / 2.0, PAD, width - 2 * PAD);
      }
      String shown = panels == dim ? (dim == 1 ? "1 column" : "all " + dim + " columns")
          : "first " + panels + " of " + dim + " columns";
      Charts.centredText(g, "Density of each column, real vs generated on the same bins: " + shown,
          Style.LEGEND, Style.TICK_TEXT, width / 2.0, PAD + titleH, width - 2 * PAD);
      legend(g, List.of(
          new Entry("real (" + count(realRows) + " rows)", Swatch.AREA, REAL),
          new Entry("generated (" + count(genRows) + " rows)", Swatch.LINE, GENERATED)),
          width / 2.0, PAD + titleH + SUBTITLE_H);
      for (int p = 0; p < panels; p++) {
        XYChart chart = charts.get(p);
        Histograms h = hists.get(p);
        addHistograms(chart, h);
        double plotX = gridLeft + (p % cols) * cellW + m.left;
        double plotY = gridTop + (p / cols) * cellH + m.top;
        Axes ax = paintAt(g, chart, plotX, plotY);
        axes.add(ax);
        String note = h.note();
        if (note != null) {
          note(g, note, ax.plot());
        }
      }
    } finally {
      g.dispose();
    }
    return new Figures.Rendered(image, List.copyOf(axes));
  }

  // ---------------------------------------------------------------------------------------------
  // 2. pair plot

  /**
   * A scatter matrix of the given columns: the panel in row {@code a}, column {@code b} plots
   * {@code columns[b]} (x) against {@code columns[a]} (y) with small semi-transparent markers, real
   * orange underneath and generated green on top, at most {@value #MAX_POINTS} rows of each (evenly
   * spaced rows, the same in every panel); the diagonal panels show the two densities as in
   * {@link #columnHistograms}. Each column has one axis range in all panels, over the bins of its
   * histogram. The column names label the outer panels (x at the bottom, y at the left); the y
   * ticks of the first row are on the right, as its left panel is a histogram.
   *
   * @param out the PNG file to write
   * @param real row-major real table, exactly {@code realRows x dim} values
   * @param realRows number of real rows, at least 1
   * @param generated row-major generated table, exactly {@code genRows x dim} values
   * @param genRows number of generated rows, at least 1
   * @param dim number of columns, at least 1
   * @param names the {@code dim} column names
   * @param columns the indices of the columns to plot, 1 to {@value #MAX_PAIR_COLUMNS} distinct
   *     ones in {@code [0, dim)} (e.g. the 3 to 5 most correlated)
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void pairPlot(Path out, float[] real, int realRows, float[] generated, int genRows, int dim,
      List<String> names, int[] columns, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderPairPlot(real, realRows, generated, genRows, dim, names, columns, title).image());
  }

  static Figures.Rendered renderPairPlot(float[] real, int realRows, float[] generated, int genRows, int dim,
      List<String> names, int[] columns, String title) {
    checkTables(real, realRows, generated, genRows, dim, names);
    checkColumns(columns, dim);
    int k = columns.length;
    int side = (PAIR_GRID - (k - 1) * PAIR_GAP) / Math.max(k, 3);
    Histograms[] hists = new Histograms[k];
    for (int a = 0; a < k; a++) {
      hists[a] = Histograms.of(Column.of(real, realRows, dim, columns[a]),
          Column.of(generated, genRows, dim, columns[a]));
    }
    int[] realPick = pick(realRows);
    int[] genPick = pick(genRows);

    XYChart[][] charts = new XYChart[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        boolean bottom = a == k - 1;
        boolean left = b == 0;
        boolean rightTicks = a == 0 && b == k - 1 && k > 1;
        String xTitle = bottom ? fit(names.get(columns[b]), Style.LABEL, side - 8) : null;
        String yTitle = left ? fit(names.get(columns[a]), Style.LABEL, side - 8) : null;
        XYChart chart = Charts.chart(side + 100, side + 100, null, xTitle, yTitle);
        XYStyler s = chart.getStyler();
        s.setLegendVisible(false);
        s.setChartPadding(4);
        s.setXAxisTicksVisible(bottom);
        s.setYAxisTicksVisible(a != b && (left || rightTicks));
        s.setXAxisTickMarkSpacingHint(60);
        s.setYAxisTickMarkSpacingHint(50);
        if (rightTicks) {
          s.setYAxisGroupPosition(0, YAxisPosition.Right);
        }
        if (a == b) {
          s.setPlotGridHorizontalLinesVisible(false);
          range(chart, hists[b].bins.lo(), hists[b].bins.hi(), 0, hists[a].top());
        } else {
          range(chart, hists[b].bins.lo(), hists[b].bins.hi(), hists[a].bins.lo(), hists[a].bins.hi());
        }
        Charts.fitPlot(chart, side, side);
        charts[a][b] = chart;
      }
    }
    // plot areas on a regular grid; the outer panels' labels stick out into the margins
    double left = 0;
    double right = 0;
    double top = 0;
    double bottom = 0;
    for (int a = 0; a < k; a++) {
      left = Math.max(left, Margins.of(List.of(charts[a][0])).left);
      right = Math.max(right, Margins.of(List.of(charts[a][k - 1])).right);
      top = Math.max(top, Margins.of(List.of(charts[0][a])).top);
      bottom = Math.max(bottom, Margins.of(List.of(charts[k - 1][a])).bottom);
    }
    int gridW = k * side + (k - 1) * PAIR_GAP;
    int width = (int) Math.ceil(Math.max(PAD + left + gridW + right + PAD, 700));
    double gridLeft = Math.floor((width - gridW - left - right) / 2 + left);
    int titleH = title != null ? TITLE_H : 0;
    double gridTop = PAD + titleH + SUBTITLE_H + LEGEND_ROW + 6 + top;
    int height = (int) Math.ceil(gridTop + gridW + bottom + PAD / 2.0);

    BufferedImage image = Style.newImage(width, height);
    Graphics2D g = Style.graphics(image);
    List<Axes> axes = new ArrayList<>();
    try {
      if (title != null) {
        Charts.centredTitle(g, title, width / 2.0, PAD, width - 2 * PAD);
      }
      Charts.centredText(g, "Pairs of " + k + " columns: scatter off the diagonal, densities on it",
          Style.LEGEND, Style.TICK_TEXT, width / 2.0, PAD + titleH, width - 2 * PAD);
      legend(g, List.of(
          new Entry("real (" + drawn(realPick.length, realRows) + ")", Swatch.DOT, REAL),
          new Entry("generated (" + drawn(genPick.length, genRows) + ")", Swatch.DOT, GENERATED)),
          width / 2.0, PAD + titleH + SUBTITLE_H);
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          XYChart chart = charts[a][b];
          if (a == b) {
            addHistograms(chart, hists[a]);
          } else {
            scatter(chart, "real", real, dim, realPick, columns[b], columns[a], Style.alpha(REAL, POINT_ALPHA));
            scatter(chart, "generated", generated, dim, genPick, columns[b], columns[a],
                Style.alpha(GENERATED, POINT_ALPHA));
          }
          Axes ax = paintAt(g, chart, gridLeft + b * (side + PAIR_GAP), gridTop + a * (side + PAIR_GAP));
          axes.add(ax);
          if (a == b && hists[a].note() != null) {
            note(g, hists[a].note(), ax.plot());
          }
        }
      }
    } finally {
      g.dispose();
    }
    return new Figures.Rendered(image, List.copyOf(axes));
  }

  /** {@code min(rows, MAX_POINTS)} evenly spaced row indices, the first being 0. */
  static int[] pick(int rows) {
    int m = Math.min(rows, MAX_POINTS);
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) {
      idx[i] = (int) ((long) i * rows / m);
    }
    return idx;
  }

  private static void scatter(XYChart chart, String name, float[] table, int dim, int[] rows, int xCol, int yCol,
      Color color) {
    double[] xs = new double[rows.length];
    double[] ys = new double[rows.length];
    int n = 0;
    for (int i : rows) {
      float x = table[i * dim + xCol];
      float y = table[i * dim + yCol];
      if (Float.isFinite(x) && Float.isFinite(y)) {
        xs[n] = x;
        ys[n] = y;
        n++;
      }
    }
    if (n > 0) {
      Charts.dots(chart, name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), color, POINT_RADIUS);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. correlation difference

  /**
   * A heat map of {@code generated - real} Pearson correlation, cell {@code (i, j)} in row
   * {@code i} (from the top) and column {@code j} (from the left), on a diverging colour scale
   * fixed to [-1, 1]: blue where the generated correlation is lower, near white where both agree,
   * red where it is higher; a colour bar on the right. Cells where either correlation is undefined
   * (NaN, e.g. a constant column) are grey, and the legend below says how many there are. The
   * column names label the rows (left) and the columns (below, turned upright when they do not fit
   * across), abbreviated in the middle when long, and only every second, third, ... one when the
   * cells are too small for all. Large cells also show the difference as a number. The subtitle
   * gives the largest absolute difference off the diagonal and its pair of columns.
   *
   * @param out the PNG file to write
   * @param realCorrelation the real table's {@code n x n} correlation matrix, entries in [-1, 1] or NaN
   * @param generatedCorrelation the generated table's {@code n x n} correlation matrix, likewise
   * @param names the {@code n} column names, 1 to {@value #MAX_MATRIX_COLUMNS} of them
   * @param title title, or {@code null}
   * @throws IOException if the file cannot be written
   */
  public static void correlationDifference(Path out, double[][] realCorrelation, double[][] generatedCorrelation,
      List<String> names, String title) throws IOException {
    Objects.requireNonNull(out, "out");
    Png.write(out, renderCorrelationDifference(realCorrelation, generatedCorrelation, names, title).image());
  }

  static Matrix renderCorrelationDifference(double[][] realCorrelation, double[][] generatedCorrelation,
      List<String> names, String title) {
    Objects.requireNonNull(names, "names");
    int n = names.size();
    if (n < 1 || n > MAX_MATRIX_COLUMNS) {
      throw new IllegalArgumentException("names must hold 1 to " + MAX_MATRIX_COLUMNS + " column names, got "
          + n);
    }
    checkNames(names);
    checkCorrelation("realCorrelation", realCorrelation, n);
    checkCorrelation("generatedCorrelation", generatedCorrelation, n);
    double[][] diff = new double[n][n];
    int undefined = 0;
    double maxAbs = -1;
    int maxI = -1;
    int maxJ = -1;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double d = generatedCorrelation[i][j] - realCorrelation[i][j];
        diff[i][j] = d;
        if (Double.isNaN(d)) {
          undefined++;
        } else if (i != j && Math.abs(d) > maxAbs) {
          maxAbs = Math.abs(d);
          maxI = i;
          maxJ = j;
        }
      }
    }

    // cells and labels
    int cell = Math.max(2, Math.min(MAX_CELL, MATRIX_SIDE / n));
    int side = n * cell;
    float labelSize = Math.max(9, Math.min(12, cell - 1));
    Font labelFont = Style.TICK.deriveFont(labelSize);
    int step = 1;
    while (step * cell < labelSize + 1) {
      step++;
    }
    String[] labels = new String[n];
    double labelW = 0;
    for (int i = 0; i < n; i += step) {
      labels[i] = fit(names.get(i), labelFont, 150);
      labelW = Math.max(labelW, labelFont.getStringBounds(labels[i], FRC).getWidth());
    }
    boolean upright = labelW > step * cell - 6;
    double lineH = labelFont.getLineMetrics("Ag", FRC).getHeight();
    double colLabelH = upright ? labelW : lineH;
    boolean numbers = cell >= 40;

    // layout
    int titleH = title != null ? TITLE_H : 0;
    int gridLeft = (int) Math.ceil(PAD + 8 + labelW + 6);
    int gridTop = PAD + titleH + SUBTITLE_H + 10;
    int barH = Math.max(side, 220);
    int barX = gridLeft + side + 30;
    int barW = 16;
    double barLabelsW = Style.TICK.getStringBounds("\u22120.5", FRC).getWidth();
    int width = (int) Math.ceil(barX + barW + 6 + barLabelsW + 10 + 18 + PAD);
    width = Math.max(width, 640);
    int below = (int) Math.ceil(Math.max(side + 6 + colLabelH, barH)) + (undefined > 0 ? 8 + LEGEND_ROW : 0);
    int height = gridTop + below + PAD;

    BufferedImage image = Style.newImage(width, height);
    Graphics2D g = Style.graphics(image);
    try {
      if (title != null) {
        Charts.centredTitle(g, title, width / 2.0, PAD, width - 2 * PAD);
      }
      String sub = "Generated \u2212 real Pearson correlation, " + n + (n == 1 ? " column" : " columns")
          + (maxI >= 0 ? "; largest |difference| " + format2(maxAbs) + " (" + names.get(maxI) + " vs "
              + names.get(maxJ) + ")" : "");
      Charts.centredText(g, sub, Style.LEGEND, Style.TICK_TEXT, width / 2.0, PAD + titleH, width - 2 * PAD);

      Font numberFont = Style.TICK.deriveFont(Math.min(12f, cell / 4f));
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          Color c = Style.divergingColor(diff[i][j]);
          g.setColor(c);
          g.fillRect(gridLeft + j * cell, gridTop + i * cell, cell, cell);
          if (numbers && i != j && Double.isFinite(diff[i][j]) && Math.abs(diff[i][j]) >= 0.005) {
            g.setFont(numberFont);
            g.setColor(Math.abs(diff[i][j]) > 0.55 ? Color.WHITE : Style.TEXT);
            String t = format2(diff[i][j]);
            double tw = numberFont.getStringBounds(t, FRC).getWidth();
            g.drawString(t, (float) (gridLeft + (j + 0.5) * cell - tw / 2),
                (float) (gridTop + (i + 0.5) * cell + numberFont.getSize2D() * 0.36));
          }
        }
      }
      if (cell >= 16) {
        // hairlines between cells keep neighbouring near-white cells apart
        g.setColor(Style.BACKGROUND);
        g.setStroke(new BasicStroke(1f));
        for (int k = 1; k < n; k++) {
          g.draw(new Line2D.Double(gridLeft + k * cell - 0.5, gridTop, gridLeft + k * cell - 0.5, gridTop + side));
          g.draw(new Line2D.Double(gridLeft, gridTop + k * cell - 0.5, gridLeft + side, gridTop + k * cell - 0.5));
        }
      }
      g.setColor(Style.FRAME);
      g.setStroke(new BasicStroke(1f));
      g.draw(new Rectangle2D.Double(gridLeft - 0.5, gridTop - 0.5, side, side));

      // names: rows at the left, columns below
      g.setFont(labelFont);
      g.setColor(Style.TICK_TEXT);
      double ascent = labelFont.getLineMetrics("Ag", FRC).getAscent();
      double descent = labelFont.getLineMetrics("Ag", FRC).getDescent();
      for (int i = 0; i < n; i += step) {
        double w = labelFont.getStringBounds(labels[i], FRC).getWidth();
        double cy = gridTop + (i + 0.5) * cell;
        g.drawString(labels[i], (float) (gridLeft - 6 - w), (float) (cy + (ascent - descent) / 2));
        double cx = gridLeft + (i + 0.5) * cell;
        if (upright) {
          Graphics2D rg = (Graphics2D) g.create();
          try {
            rg.translate(cx + (ascent - descent) / 2, gridTop + side + 6 + w);
            rg.rotate(-Math.PI / 2);
            rg.drawString(labels[i], 0f, 0f);
          } finally {
            rg.dispose();
          }
        } else {
          g.drawString(labels[i], (float) (cx - w / 2), (float) (gridTop + side + 6 + ascent));
        }
      }

      colourBar(g, barX, gridTop, barW, barH);
      if (undefined > 0) {
        legend(g, List.of(new Entry("undefined correlation (a constant column): " + count(undefined)
            + (undefined == 1 ? " cell" : " cells"), Swatch.BOX, Style.UNDEFINED)),
            gridLeft + side / 2.0, gridTop + Math.max(side + 6 + colLabelH, barH) + 8);
      }
    } finally {
      g.dispose();
    }
    return new Matrix(image, new Rectangle2D.Double(gridLeft, gridTop, side, side), n);
  }

  /** The diverging scale from -1 (bottom) to 1 (top), ticks every 0.5, titled on its right. */
  private static void colourBar(Graphics2D g, int x, int top, int w, int h) {
    for (int py = 0; py < h; py++) {
      double v = 1 - 2 * (py + 0.5) / h;
      g.setColor(Style.divergingColor(v));
      g.fillRect(x, top + py, w, 1);
    }
    g.setColor(Style.FRAME);
    g.setStroke(new BasicStroke(1f));
    g.draw(new Rectangle2D.Double(x - 0.5, top - 0.5, w, h));
    g.setFont(Style.TICK);
    double ascent = Style.TICK.getLineMetrics("0", FRC).getAscent();
    double labelsW = 0;
    for (int t = -2; t <= 2; t++) {
      double v = t / 2.0;
      double py = top + (1 - v) / 2 * h;
      String label = Charts.formatLinear(v);
      g.setColor(Style.FRAME);
      g.draw(new Line2D.Double(x + w - 0.5, py, x + w + 3.5, py));
      g.setColor(Style.TICK_TEXT);
      g.drawString(label, (float) (x + w + 6), (float) (py + ascent * 0.4));
      labelsW = Math.max(labelsW, Style.TICK.getStringBounds(label, FRC).getWidth());
    }
    Graphics2D rg = (Graphics2D) g.create();
    try {
      String label = "generated \u2212 real";
      double lw = Style.LABEL.getStringBounds(label, FRC).getWidth();
      rg.setFont(Style.LABEL);
      rg.setColor(Style.TEXT);
      double titleAscent = Style.LABEL.getLineMetrics(label, FRC).getAscent();
      rg.translate(x + w + 6 + labelsW + 8 + titleAscent, top + h / 2.0 + lw / 2);
      rg.rotate(-Math.PI / 2);
      rg.drawString(label, 0f, 0f);
    } finally {
      rg.dispose();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // histograms

  /** The finite values of one column, sorted, and the number of rows they came from. */
  record Column(double[] sorted, int rows) {

    static Column of(float[] table, int rows, int dim, int j) {
      double[] v = new double[rows];
      int n = 0;
      for (int i = 0; i < rows; i++) {
        float x = table[i * dim + j];
        if (Float.isFinite(x)) {
          v[n++] = x;
        }
      }
      double[] sorted = Arrays.copyOf(v, n);
      Arrays.sort(sorted);
      return new Column(sorted, rows);
    }

    /** The {@code p}-quantile, linear between order statistics; requires a finite value. */
    double quantile(double p) {
      double pos = p * (sorted.length - 1);
      int i = (int) Math.floor(pos);
      return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    /** Whether every value is a whole number (then bins have whole-number widths). */
    boolean integers() {
      for (double v : sorted) {
        if (v != Math.rint(v)) {
          return false;
        }
      }
      return sorted.length > 0;
    }

    /** The number of distinct values, counted up to {@code limit + 1}. */
    int distinct(int limit) {
      int n = 0;
      for (int i = 0; i < sorted.length && n <= limit; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * {@code count} equal bins on {@code [lo, hi]}; for a column of whole numbers ({@code integers})
   * the bins have a whole-number width and their edges lie halfway between integers, so that each
   * value falls into the middle of a bin.
   */
  record Bins(double lo, double hi, int count, boolean integers) {

    /**
     * The shared bins of a real and a generated column (see the class comment); from the generated
     * column alone if the real one has no finite value, {@code [0, 1]} if neither has.
     */
    static Bins of(Column real, Column generated) {
      boolean realEmpty = real.sorted().length == 0;
      Column base = realEmpty ? generated : real;
      double[] v = base.sorted();
      if (v.length == 0) {
        return new Bins(0, 1, 1, false);
      }
      boolean integers = base.integers();
      boolean few = integers && base.distinct(MAX_DISCRETE) <= MAX_DISCRETE;
      // a few whole numbers are categories: all of them, even rare ones; else the central 99%
      double baseLo = few ? v[0] : base.quantile(LOW_QUANTILE);
      double baseHi = few ? v[v.length - 1] : base.quantile(HIGH_QUANTILE);
      double reach = baseHi > baseLo ? baseHi - baseLo : Math.max(Math.abs(baseLo), 1);
      double lo = baseLo;
      double hi = baseHi;
      if (!realEmpty && generated.sorted().length > 0) {
        lo = Math.max(Math.min(baseLo, generated.quantile(LOW_QUANTILE)), baseLo - reach);
        hi = Math.min(Math.max(baseHi, generated.quantile(HIGH_QUANTILE)), baseHi + reach);
      }
      if (integers) {
        double first = Math.rint(lo);
        double values = Math.rint(hi) - first + 1;
        if (values < 5) {
          // an empty bin on each side, so that a constant column is a bar, not the whole panel
          first--;
          values += 2;
        }
        double width = Math.ceil(values / MAX_BINS);
        int count = (int) Math.ceil(values / width);
        return new Bins(first - 0.5, first - 0.5 + count * width, count, true);
      }
      if (hi - lo <= 1e-6 * Math.max(1, Math.abs(lo))) {
        // one value: a window around it
        double half = Math.max(0.05 * Math.abs(lo), 0.5);
        lo -= half;
        hi += half;
      }
      // Rice's rule on the rows
      int count = (int) Math.max(MIN_BINS, Math.min(MAX_BINS, Math.ceil(2 * Math.cbrt(v.length))));
      return new Bins(lo, hi, count, false);
    }

    double width() {
      return (hi - lo) / count;
    }

    /** Densities: the share of all {@code c.rows()} rows in each bin, divided by the bin width. */
    double[] density(Column c) {
      double[] d = new double[count];
      for (double v : c.sorted()) {
        int b = bin(v);
        if (b >= 0) {
          d[b]++;
        }
      }
      double norm = c.rows() * width();
      for (int b = 0; b < count; b++) {
        d[b] /= norm;
      }
      return d;
    }

    /** The bin of {@code v}, or -1 outside {@code [lo, hi]}. */
    int bin(double v) {
      if (v < lo || v > hi) {
        return -1;
      }
      return Math.min(count - 1, (int) Math.floor((v - lo) / width()));
    }

    /** Rows of {@code c} not in any bin (outside the range or not finite). */
    int missing(Column c) {
      int in = 0;
      for (double v : c.sorted()) {
        in += bin(v) >= 0 ? 1 : 0;
      }
      return c.rows() - in;
    }
  }

  /** The real and generated densities of one column on shared bins. */
  private record Histograms(Bins bins, double[] real, double[] generated, double realMissing, double genMissing,
      double realConstant) {

    static Histograms of(Column real, Column generated) {
      Bins bins = Bins.of(real, generated);
      double[] r = real.sorted();
      double constant = r.length > 0 && r[0] == r[r.length - 1] ? r[0] : Double.NaN;
      return new Histograms(bins, bins.density(real), bins.density(generated),
          (double) bins.missing(real) / real.rows(), (double) bins.missing(generated) / generated.rows(), constant);
    }

    /** Top of the density axis: above the highest bin of either, with room for a note if there is one. */
    double top() {
      double max = 0;
      for (double d : real) {
        max = Math.max(max, d);
      }
      for (double d : generated) {
        max = Math.max(max, d);
      }
      return max > 0 ? (note() != null ? 1.3 : 1.1) * max : 1;
    }

    /**
     * A note on a constant real column and on rows that are not shown (if more than
     * {@value #MISSING_NOTE} of either table's), or null.
     */
    String note() {
      List<String> parts = new ArrayList<>();
      if (!Double.isNaN(realConstant)) {
        parts.add("real constant " + Charts.formatLinear(realConstant));
      }
      if (realMissing > MISSING_NOTE) {
        parts.add(percent(realMissing) + " of real not shown");
      }
      if (genMissing > MISSING_NOTE) {
        parts.add(percent(genMissing) + " of gen. not shown");
      }
      return parts.isEmpty() ? null : String.join("; ", parts);
    }
  }

  /**
   * Adds the real density as a filled step area and the generated one as a step outline, which
   * leaves out runs of empty bins (so that it does not trace the axis).
   */
  private static void addHistograms(XYChart chart, Histograms h) {
    Bins bins = h.bins;
    int n = bins.count();
    double w = bins.width();
    double[] rx = new double[2 * n + 2];
    double[] ry = new double[2 * n + 2];
    rx[0] = bins.lo();
    for (int b = 0; b < n; b++) {
      rx[2 * b + 1] = bins.lo() + b * w;
      ry[2 * b + 1] = h.real[b];
      rx[2 * b + 2] = bins.lo() + (b + 1) * w;
      ry[2 * b + 2] = h.real[b];
    }
    rx[2 * n + 1] = bins.hi();
    XYSeries area = Charts.data(chart, "real", rx, ry, XYSeriesRenderStyle.PolygonArea);
    area.setFillColor(REAL_FILL);
    area.setLineColor(Style.alpha(REAL, 0.75));
    area.setLineStyle(new BasicStroke(1f));

    List<Double> gx = new ArrayList<>();
    List<Double> gy = new ArrayList<>();
    double[] d = h.generated;
    for (int b = 0; b < n; b++) {
      if (d[b] == 0) {
        continue;
      }
      double x0 = bins.lo() + b * w;
      if (b == 0 || d[b - 1] == 0) {
        gx.add(x0);
        gy.add(0.0);
      }
      gx.add(x0);
      gy.add(d[b]);
      gx.add(x0 + w);
      gy.add(d[b]);
      if (b == n - 1 || d[b + 1] == 0) {
        gx.add(x0 + w);
        gy.add(0.0);
        gx.add(x0 + w);
        gy.add(Double.NaN);
      }
    }
    if (!gx.isEmpty()) {
      XYSeries line = Charts.data(chart, "generated", gx.stream().mapToDouble(Double::doubleValue).toArray(),
          gy.stream().mapToDouble(Double::doubleValue).toArray(), XYSeriesRenderStyle.Line);
      line.setLineColor(GENERATED);
      line.setLineStyle(GEN_STROKE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // shared

  /**
   * Sets both axis ranges as they are: unlike {@link Charts#xRange}, no padding for a label at the
   * right end, which would be wide for ends that are quantiles, not round numbers.
   */
  private static void range(XYChart chart, double xMin, double xMax, double yMin, double yMax) {
    XYStyler s = chart.getStyler();
    double xSlack = 1e-9 * (xMax - xMin);
    double ySlack = 1e-9 * (yMax - yMin);
    s.setXAxisMin(xMin - xSlack);
    s.setXAxisMax(xMax + xSlack);
    s.setYAxisMin(yMin - ySlack);
    s.setYAxisMax(yMax + ySlack);
  }

  /** How far the plot areas of charts sit from their charts' edges (the largest of each side). */
  private record Margins(double left, double right, double top, double bottom) {

    static Margins of(List<XYChart> charts) {
      double l = 0;
      double r = 0;
      double t = 0;
      double b = 0;
      for (XYChart c : charts) {
        Rectangle2D p = new Axes(c, 0, 0).plot();
        l = Math.max(l, p.getX());
        r = Math.max(r, c.getWidth() - p.getMaxX());
        t = Math.max(t, p.getY());
        b = Math.max(b, c.getHeight() - p.getMaxY());
      }
      return new Margins(l, r, t, b);
    }
  }

  /**
   * Paints a laid-out chart so that its plot area's top left corner is at {@code (plotX, plotY)};
   * the chart's background is transparent, so that its empty margins can overlap its neighbours.
   */
  private static Axes paintAt(Graphics2D g, XYChart chart, double plotX, double plotY) {
    Rectangle2D plot = new Axes(chart, 0, 0).plot();
    chart.getStyler().setChartBackgroundColor(CLEAR);
    return Charts.paint(chart, g, (int) Math.round(plotX - plot.getX()), (int) Math.round(plotY - plot.getY()));
  }

  /** A small grey note in the top right corner of a plot area. */
  private static void note(Graphics2D g, String text, Rectangle2D plot) {
    double w = NOTE.getStringBounds(text, FRC).getWidth();
    double ascent = NOTE.getLineMetrics(text, FRC).getAscent();
    g.setFont(NOTE);
    g.setColor(Style.alpha(Style.BACKGROUND, 0.8));
    g.fill(new Rectangle2D.Double(plot.getMaxX() - w - 6, plot.getY() + 2, w + 4, ascent + 4));
    g.setColor(Style.TICK_TEXT);
    g.drawString(text, (float) (plot.getMaxX() - w - 4), (float) (plot.getY() + 3 + ascent));
  }

  private enum Swatch { AREA, LINE, DOT, BOX }

  private record Entry(String label, Swatch swatch, Color color) {}

  /** One row of legend entries centred on {@code cx}, its top at {@code top}. */
  private static void legend(Graphics2D g, List<Entry> entries, double cx, double top) {
    double sw = 22;
    double gap = 28;
    double total = -gap;
    for (Entry e : entries) {
      total += sw + 6 + Style.LEGEND.getStringBounds(e.label(), FRC).getWidth() + gap;
    }
    double x = cx - total / 2;
    double mid = top + LEGEND_ROW / 2.0;
    double ascent = Style.LEGEND.getLineMetrics("Ag", FRC).getAscent();
    double descent = Style.LEGEND.getLineMetrics("Ag", FRC).getDescent();
    Graphics2D lg = (Graphics2D) g.create();
    try {
      for (Entry e : entries) {
        switch (e.swatch()) {
          case AREA -> {
            lg.setColor(REAL_FILL);
            lg.fill(new Rectangle2D.Double(x, mid - 7, sw, 14));
            lg.setColor(Style.alpha(e.color(), 0.75));
            lg.setStroke(new BasicStroke(1f));
            lg.draw(new Rectangle2D.Double(x + 0.5, mid - 6.5, sw - 1, 13));
          }
          case LINE -> {
            lg.setColor(e.color());
            lg.setStroke(GEN_STROKE);
            lg.draw(new Line2D.Double(x, mid, x + sw, mid));
          }
          case DOT -> {
            lg.setColor(e.color());
            lg.fill(new Ellipse2D.Double(x + sw / 2 - 4.5, mid - 4.5, 9, 9));
          }
          case BOX -> {
            lg.setColor(e.color());
            lg.fill(new Rectangle2D.Double(x + 3, mid - 8, 16, 16));
          }
          default -> throw new IllegalStateException(e.swatch().toString());
        }
        x += sw + 6;
        lg.setFont(Style.LEGEND);
        lg.setColor(Style.TEXT);
        lg.drawString(e.label(), (float) x, (float) (mid + (ascent - descent) / 2));
        x += Style.LEGEND.getStringBounds(e.label(), FRC).getWidth() + gap;
      }
    } finally {
      lg.dispose();
    }
  }

  /**
   * {@code text} as it fits into {@code maxWidth} pixels in {@code font}: unchanged, or with its
   * middle replaced by an ellipsis (the ends of column names tell them apart: {@code pixel_7_3}).
   */
  static String fit(String text, Font font, double maxWidth) {
    if (font.getStringBounds(text, FRC).getWidth() <= maxWidth) {
      return text;
    }
    int keep = text.length() - 1;
    while (keep > 1) {
      int head = (keep + 1) / 2;
      String s = text.substring(0, head) + "\u2026" + text.substring(text.length() - (keep - head));
      if (font.getStringBounds(s, FRC).getWidth() <= maxWidth) {
        return s;
      }
      keep--;
    }
    return text.substring(0, 1) + "\u2026";
  }

  private static String count(int n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String drawn(int shown, int rows) {
    return shown == rows ? count(rows) + " rows" : count(shown) + " of " + count(rows) + " rows";
  }

  private static String percent(double share) {
    return Math.round(100 * share) + "%";
  }

  /** Two decimals with a real minus sign. */
  private static String format2(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.equals("-0.00") ? "0.00" : s.replace('-', '\u2212');
  }

  // ---------------------------------------------------------------------------------------------
  // validation

  private static void checkTables(float[] real, int realRows, float[] generated, int genRows, int dim,
      List<String> names) {
    Objects.requireNonNull(real, "real");
    Objects.requireNonNull(generated, "generated");
    Objects.requireNonNull(names, "names");
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    checkTable("real", real, realRows, dim);
    checkTable("generated", generated, genRows, dim);
    if (names.size() != dim) {
      throw new IllegalArgumentException("names must hold one name per column, " + dim + ", got " + names.size());
    }
    checkNames(names);
  }

  private static void checkTable(String name, float[] table, int rows, int dim) {
    String rowsName = name.equals("real") ? "realRows" : "genRows";
    if (rows < 1) {
      throw new IllegalArgumentException(rowsName + " must be >= 1, got " + rows);
    }
    if ((long) rows * dim != table.length) {
      throw new IllegalArgumentException(name + " must hold " + rowsName + " x dim = " + rows + " x " + dim + " = "
          + (long) rows * dim + " values (row-major), got length " + table.length);
    }
  }

  private static void checkNames(List<String> names) {
    for (int j = 0; j < names.size(); j++) {
      if (names.get(j) == null) {
        throw new IllegalArgumentException("names[" + j + "] is null");
      }
    }
  }

  private static void checkColumns(int[] columns, int dim) {
    Objects.requireNonNull(columns, "columns");
    if (columns.length < 1 || columns.length > MAX_PAIR_COLUMNS) {
      throw new IllegalArgumentException("columns must hold 1 to " + MAX_PAIR_COLUMNS + " column indices, got "
          + columns.length + ": " + Arrays.toString(columns));
    }
    for (int a = 0; a < columns.length; a++) {
      if (columns[a] < 0 || columns[a] >= dim) {
        throw new IllegalArgumentException("columns[" + a + "] must be in [0, " + dim + "), got " + columns[a]);
      }
      for (int b = 0; b < a; b++) {
        if (columns[a] == columns[b]) {
          throw new IllegalArgumentException("columns must be distinct, got " + Arrays.toString(columns));
        }
      }
    }
  }

  private static void checkCorrelation(String name, double[][] c, int n) {
    Objects.requireNonNull(c, name);
    if (c.length != n) {
      throw new IllegalArgumentException(name + " must be " + n + " x " + n + " (one row per name), got "
          + c.length + " rows");
    }
    for (int i = 0; i < n; i++) {
      if (c[i] == null || c[i].length != n) {
        throw new IllegalArgumentException(name + "[" + i + "] must have " + n + " entries, got "
            + (c[i] == null ? "null" : c[i].length));
      }
      for (int j = 0; j < n; j++) {
        double v = c[i][j];
        if (!Double.isNaN(v) && !(Math.abs(v) <= 1 + 1e-6)) {
          throw new IllegalArgumentException(name + "[" + i + "][" + j + "] must be in [-1, 1] or NaN, got " + v);
        }
      }
    }
  }
}
