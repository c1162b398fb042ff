package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFiguresTest {

  @TempDir
  Path dir;

  // ------------------------------------------------------------------------------------------
  // column histograms

  @Test
  void aHistogramPanelDrawsTheRealColumnWhereItsValuesAreAndTheGeneratedOneWhereTheirsAre() {
    // column 0: real uniform on [0, 1], generated uniform on [1, 2]; column 1 the same in both
    int rows = 2000;
    Random rng = new Random(1);
    float[] real = table(rows, 2, (i, j) -> j == 0 ? (i + 0.5) / rows : rng.nextGaussian());
    float[] gen = table(rows, 2, (i, j) -> j == 0 ? 1 + (i + 0.5) / rows : rng.nextGaussian());
    Figures.Rendered r = TableFigures.renderColumnHistograms(real, rows, gen, rows, 2, List.of("u", "z"), "t");
    assertThat(r.axes()).hasSize(2);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    Rectangle2D plot = ax.plot();
    assertThat(ax.xMin()).isCloseTo(0, within(0.02));
    assertThat(ax.xMax()).isCloseTo(2, within(0.02));
    // the bottom rows hold the axis line, where the area's outline runs along zero
    double top = plot.getY() + 1;
    double bottom = plot.getMaxY() - 3;
    double left = plot.getX() + 1;
    double right = plot.getMaxX() - 1;
    assertThat(count(img, left, ax.px(0.9), top, bottom, Pixels::orangeish)).as("real area left").isGreaterThan(3000);
    // (the bin around x = 1, about 0.08 wide, holds both)
    assertThat(count(img, ax.px(1.1), right, top, bottom, Pixels::orangeish)).as("real area right").isZero();
    assertThat(count(img, ax.px(1.1), right, top, bottom, Pixels::greenish)).as("generated line right")
        .isGreaterThan(100);
    assertThat(count(img, left, ax.px(0.9), top, bottom, Pixels::greenish)).as("generated line left").isZero();
    // both densities are 1: the generated line runs at the height of the real area's top
    double y1 = ax.py(1);
    assertThat(count(img, ax.px(1.2), ax.px(1.8), y1 - 3, y1 + 3, Pixels::greenish)).isGreaterThan(50);
    assertThat(Pixels.orangeish(Pixels.at(img, ax.px(0.5), ax.py(0.9)))).isTrue();
    assertThat(Pixels.orangeish(Pixels.at(img, ax.px(0.5), y1 - 6))).isFalse();
  }

  @Test
  void integerColumnsGetBinsCentredOnTheirValues() {
    // real and generated: half 0, half 2
    int rows = 400;
    float[] t = table(rows, 1, (i, j) -> i % 2 == 0 ? 0 : 2);
    Figures.Rendered r = TableFigures.renderColumnHistograms(t, rows, t, rows, 1, List.of("k"), null);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double mid = ax.py(0.25); // both bars are 0.5 high
    for (double x : new double[] {-0.4, 0, 0.4, 1.6, 2, 2.4}) {
      assertThat(Pixels.orangeish(Pixels.at(img, ax.px(x), mid))).as("bar at %s", x).isTrue();
    }
    for (double x : new double[] {-0.6, 1, 2.6}) {
      assertThat(Pixels.orangeish(Pixels.at(img, ax.px(x), mid))).as("gap at %s", x).isFalse();
    }
  }

  @Test
  void binsAreSharedDensitiesOnIntegerEdgesForIntegerColumnsAndTheGeneratedReachIsCapped() {
    // pixels 0..16 and a smeared generated copy: one bin per integer, edges halfway between
    TableFigures.Column pixels = column(IntStream.range(0, 1700).mapToDouble(i -> i % 17).toArray());
    TableFigures.Column smeared = column(IntStream.range(0, 1700).mapToDouble(i -> i % 17 + 0.3 * Math.sin(i))
        .toArray());
    TableFigures.Bins b = TableFigures.Bins.of(pixels, smeared);
    assertThat(b).isEqualTo(new TableFigures.Bins(-0.5, 16.5, 17, true));
    assertThat(b.bin(3)).isEqualTo(3);
    assertThat(b.bin(16)).isEqualTo(16);
    // 73 ages 18..90: two years a bin, still centred on integers
    TableFigures.Bins ages = TableFigures.Bins.of(column(IntStream.rangeClosed(18, 90).mapToDouble(i -> i)
        .toArray()), column(new double[] {50}));
    assertThat(ages.width()).isEqualTo(2);
    assertThat(ages.lo()).isEqualTo(17.5);
    assertThat(ages.hi()).isGreaterThanOrEqualTo(90.5);
    // a constant column is one bar with an empty bin on each side
    assertThat(TableFigures.Bins.of(column(new double[] {0, 0, 0}), column(new double[] {0})))
        .isEqualTo(new TableFigures.Bins(-1.5, 1.5, 3, true));

    // densities: each integrates to the share of its rows inside, whatever the number of rows
    Random rng = new Random(5);
    TableFigures.Column real = column(rng.doubles(3000).map(u -> 10 * u * u).toArray());
    TableFigures.Column gen = column(rng.doubles(700).map(u -> 10 * u * u).toArray());
    TableFigures.Bins c = TableFigures.Bins.of(real, gen);
    assertThat(c.integers()).isFalse();
    assertThat(c.count()).isBetween(10, 40);
    for (TableFigures.Column col : List.of(real, gen)) {
      double area = 0;
      for (double d : c.density(col)) {
        area += d * c.width();
      }
      assertThat(area).isCloseTo(1 - (double) c.missing(col) / col.rows(), within(1e-9));
      assertThat((double) c.missing(col) / col.rows()).isLessThan(0.02);
    }
    // a diverged model reaches at most one real range beyond the real one
    TableFigures.Column far = column(rng.doubles(500).map(u -> 1000 + u).toArray());
    TableFigures.Bins capped = TableFigures.Bins.of(real, far);
    double realLo = real.quantile(0.005);
    double realHi = real.quantile(0.995);
    assertThat(capped.lo()).isCloseTo(realLo, within(1e-9));
    assertThat(capped.hi()).isCloseTo(2 * realHi - realLo, within(1e-9));
    assertThat(capped.missing(far)).isEqualTo(500);
  }

  @Test
  void atMostTwentyColumnsGetAPanel() {
    int dim = 25;
    float[] t = table(50, dim, (i, j) -> i * j);
    List<String> names = IntStream.range(0, dim).mapToObj(j -> "c" + j).toList();
    assertThat(TableFigures.renderColumnHistograms(t, 50, t, 50, dim, names, null).axes())
        .hasSize(TableFigures.MAX_HISTOGRAMS);
    assertThat(TableFigures.renderColumnHistograms(t, 50, t, 50, dim, names, null).image().getWidth())
        .as("readable without zooming").isBetween(1000, 1300);
  }

  // ------------------------------------------------------------------------------------------
  // pair plot

  @Test
  void aPairPlotHasOnePanelPerPairAndScattersBothTablesWithXFromTheColumnAndYFromTheRow() {
    // real: all columns around 0 (range about +-0.8); generated: column 0 around 1.5 (within the
    // reach of one real range beyond the real one), the others as the real ones
    int rows = 3000;
    Random rng = new Random(2);
    float[] real = table(rows, 4, (i, j) -> 0.3 * rng.nextGaussian());
    float[] gen = table(rows, 4, (i, j) -> j == 0 ? 1.5 + 0.1 * rng.nextGaussian() : 0.3 * rng.nextGaussian());
    int[] columns = {0, 1, 3};
    Figures.Rendered r = TableFigures.renderPairPlot(real, rows, gen, rows, 4, List.of("a", "b", "c", "d"), columns,
        "pairs");
    assertThat(r.axes()).hasSize(9);
    BufferedImage img = r.image();
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        Rectangle2D p = r.axes().get(3 * a + b).plot();
        int orange = count(img, p.getX() + 1, p.getMaxX() - 1, p.getY() + 1, p.getMaxY() - 3, Pixels::orangeish);
        int green = count(img, p.getX() + 1, p.getMaxX() - 1, p.getY() + 1, p.getMaxY() - 3, Pixels::greenish);
        assertThat(orange).as("real in panel (%d, %d)", a, b).isGreaterThan(100);
        assertThat(green).as("generated in panel (%d, %d)", a, b).isGreaterThan(100);
      }
    }
    // panel (1, 0): x = column 0, y = column 1; the generated cloud is to the right of the real one
    Axes p10 = r.axes().get(3);
    assertThat(Pixels.countInDisc(img, p10.px(0), p10.py(0), 6, Pixels::orangeish)).isGreaterThan(20);
    assertThat(Pixels.countInDisc(img, p10.px(1.5), p10.py(0), 6, Pixels::greenish)).isGreaterThan(20);
    assertThat(Pixels.countInDisc(img, p10.px(0), p10.py(0), 15, Pixels::greenish)).isZero();
    // panel (0, 1): x = column 1, y = column 0; now it is above
    Axes p01 = r.axes().get(1);
    assertThat(Pixels.countInDisc(img, p01.px(0), p01.py(1.5), 6, Pixels::greenish)).isGreaterThan(20);
    assertThat(Pixels.countInDisc(img, p01.px(0), p01.py(0), 15, Pixels::greenish)).isZero();
    assertThat(p01.yMax()).as("the generated cloud is inside the axis").isGreaterThan(1.7);
    // the columns share their axes across panels
    assertThat(r.axes().get(0).xMax()).isEqualTo(r.axes().get(6).xMax());
    assertThat(r.axes().get(3).yMin()).isEqualTo(r.axes().get(5).yMin());
  }

  @Test
  void scatterPanelsDrawAtMostAThousandEvenlySpacedRows() {
    int[] pick = TableFigures.pick(5000);
    assertThat(pick).hasSize(TableFigures.MAX_POINTS);
    for (int i = 0; i < pick.length; i++) {
      assertThat(pick[i]).isEqualTo(5 * i);
    }
    assertThat(TableFigures.pick(300)).isEqualTo(IntStream.range(0, 300).toArray());
    int[] odd = TableFigures.pick(1001);
    assertThat(odd).hasSize(1000).startsWith(0).isSorted().doesNotHaveDuplicates();
    assertThat(odd[999]).isLessThan(1001);
  }

  // ------------------------------------------------------------------------------------------
  // correlation difference

  @Test
  void theMapIsRedWhereTheGeneratedCorrelationIsHigherBlueWhereLowerWhiteWhereEqualAndGreyWhereUndefined() {
    int n = 5;
    double[][] real = new double[n][n];
    double[][] gen = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        real[i][j] = i == j ? 1 : 0.1;
        gen[i][j] = real[i][j];
      }
    }
    set(gen, 0, 1, 0.9);  // +0.8
    set(gen, 0, 2, -0.7); // -0.8
    set(real, 3, 4, Double.NaN);
    TableFigures.Matrix m = TableFigures.renderCorrelationDifference(real, gen, List.of("a", "b", "c", "d", "e"),
        "difference");
    for (int[] cell : new int[][] {{0, 1}, {1, 0}}) {
      assertThat(cellColour(m, cell[0], cell[1])).as("+0.8 at %d, %d", cell[0], cell[1]).matches(TableFiguresTest::red);
    }
    for (int[] cell : new int[][] {{0, 2}, {2, 0}}) {
      assertThat(cellColour(m, cell[0], cell[1])).as("-0.8 at %d, %d", cell[0], cell[1])
          .matches(TableFiguresTest::blue);
    }
    for (int[] cell : new int[][] {{1, 2}, {0, 3}, {4, 4}}) {
      assertThat(cellColour(m, cell[0], cell[1])).as("0 at %d, %d", cell[0], cell[1])
          .matches(TableFiguresTest::white);
    }
    for (int[] cell : new int[][] {{3, 4}, {4, 3}}) {
      assertThat(cellColour(m, cell[0], cell[1])).as("NaN at %d, %d", cell[0], cell[1])
          .matches(TableFiguresTest::grey);
    }
    // the colour bar beside the map: red at the top (+1), blue at the bottom (-1)
    Rectangle2D g = m.grid();
    assertThat(Pixels.at(m.image(), g.getMaxX() + 38, g.getY() + 4)).matches(TableFiguresTest::red);
    assertThat(Pixels.at(m.image(), g.getMaxX() + 38, g.getMaxY() - 4)).matches(TableFiguresTest::blue);
    assertThat(Pixels.at(m.image(), g.getMaxX() + 38, g.getCenterY())).matches(TableFiguresTest::white);
  }

  @Test
  void theDivergingScaleIsFixedToMinusOneToOne() {
    assertThat(Style.divergingColor(0)).matches(TableFiguresTest::white);
    assertThat(Style.divergingColor(0.8)).matches(TableFiguresTest::red);
    assertThat(Style.divergingColor(-0.8)).matches(TableFiguresTest::blue);
    assertThat(Style.divergingColor(2)).isEqualTo(Style.divergingColor(1));
    assertThat(Style.divergingColor(-2)).isEqualTo(Style.divergingColor(-1));
    assertThat(Style.divergingColor(Double.NaN)).isEqualTo(Style.UNDEFINED);
    // darker the further from 0
    assertThat(Pixels.brightness(Style.divergingColor(0.9))).isLessThan(Pixels.brightness(Style.divergingColor(0.4)));
    assertThat(Pixels.brightness(Style.divergingColor(-0.9)))
        .isLessThan(Pixels.brightness(Style.divergingColor(-0.4)));
  }

  @Test
  void everyRowAndColumnOfASixtyFourColumnMapIsNamed() {
    SyntheticTable real = SyntheticTable.digits(400, 0, 1);
    SyntheticTable gen = SyntheticTable.digits(400, 0.5, 2);
    TableFigures.Matrix m = TableFigures.renderCorrelationDifference(real.correlation(), gen.correlation(),
        real.names(), "digits");
    BufferedImage img = m.image();
    Rectangle2D g = m.grid();
    assertThat(img.getWidth()).isBetween(900, 1300);
    assertThat(m.cell()).isGreaterThanOrEqualTo(12);
    double half = m.cell() / 2 - 1;
    for (int i = 0; i < 64; i++) {
      int rowInk = count(img, g.getX() - 70, g.getX() - 3, m.cy(i) - half, m.cy(i) + half, TableFiguresTest::ink);
      int colInk = count(img, m.cx(i) - half, m.cx(i) + half, g.getMaxY() + 3, g.getMaxY() + 70,
          TableFiguresTest::ink);
      assertThat(rowInk).as("name of row %d", i).isGreaterThan(10);
      assertThat(colInk).as("name of column %d", i).isGreaterThan(10);
    }
    // pixel_0_0 is constant in the real table: its row is grey
    assertThat(cellColour(m, 0, 40)).matches(TableFiguresTest::grey);
  }

  // ------------------------------------------------------------------------------------------
  // arguments

  @Test
  void badArgumentsAreRejectedWithTheValueAndNothingIsWritten() {
    Path out = dir.resolve("x.png");
    float[] t = new float[12];
    List<String> names = List.of("a", "b", "c");
    assertThatThrownBy(() -> TableFigures.columnHistograms(out, new float[11], 4, t, 4, 3, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("real").hasMessageContaining("4 x 3 = 12")
        .hasMessageContaining("length 11");
    assertThatThrownBy(() -> TableFigures.columnHistograms(out, t, 4, t, 3, 3, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generated").hasMessageContaining("9");
    assertThatThrownBy(() -> TableFigures.columnHistograms(out, t, 0, t, 4, 3, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realRows").hasMessageContaining("0");
    assertThatThrownBy(() -> TableFigures.columnHistograms(out, t, 4, t, 4, 0, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dim").hasMessageContaining("0");
    assertThatThrownBy(() -> TableFigures.columnHistograms(out, t, 6, t, 6, 2, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names").hasMessageContaining("got 3");
    assertThatThrownBy(() -> TableFigures.pairPlot(out, t, 4, t, 4, 3, names, new int[] {0, 3}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns[1]").hasMessageContaining("got 3");
    assertThatThrownBy(() -> TableFigures.pairPlot(out, t, 4, t, 4, 3, names, new int[] {-1}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -1");
    assertThatThrownBy(() -> TableFigures.pairPlot(out, t, 4, t, 4, 3, names, new int[] {1, 2, 1}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 2, 1]");
    assertThatThrownBy(() -> TableFigures.pairPlot(out, t, 4, t, 4, 3, names, new int[0], null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    double[][] id = {{1, 0}, {0, 1}};
    assertThatThrownBy(() -> TableFigures.correlationDifference(out, id, id, names, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realCorrelation")
        .hasMessageContaining("got 2 rows");
    assertThatThrownBy(() -> TableFigures.correlationDifference(out, id, new double[][] {{1, 0}, {0}},
        List.of("a", "b"), null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generatedCorrelation[1]").hasMessageContaining("got 1");
    assertThatThrownBy(() -> TableFigures.correlationDifference(out, id, new double[][] {{1, 1.5}, {0, 1}},
        List.of("a", "b"), null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0][1]")
        .hasMessageContaining("1.5");
    assertThat(out).doesNotExist();
  }

  // ------------------------------------------------------------------------------------------
  // files

  @Test
  void eachFigureIsAValidPngOfItsRenderedSizeAndReplacesAnExistingFile() throws IOException {
    SyntheticTable real = SyntheticTable.mixed(1500, 0, 1);
    SyntheticTable gen = SyntheticTable.mixed(1000, 1, 2);
    int dim = real.dim();
    int[] cols = {1, 2, 3, 4};
    Path hist = dir.resolve("sub/histograms.png");
    Files.createDirectories(hist.getParent());
    Files.writeString(hist, "old contents", StandardCharsets.UTF_8);
    TableFigures.columnHistograms(hist, real.values(), real.rows(), gen.values(), gen.rows(), dim, real.names(), "h");
    TableFigures.pairPlot(dir.resolve("pairs.png"), real.values(), real.rows(), gen.values(), gen.rows(), dim,
        real.names(), cols, "p");
    TableFigures.correlationDifference(dir.resolve("corr.png"), real.correlation(), gen.correlation(),
        real.names(), "c");

    assertSameSize(hist, TableFigures.renderColumnHistograms(real.values(), real.rows(), gen.values(), gen.rows(),
        dim, real.names(), "h").image());
    assertSameSize(dir.resolve("pairs.png"), TableFigures.renderPairPlot(real.values(), real.rows(), gen.values(),
        gen.rows(), dim, real.names(), cols, "p").image());
    assertSameSize(dir.resolve("corr.png"), TableFigures.renderCorrelationDifference(real.correlation(),
        gen.correlation(), real.names(), "c").image());
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .containsExactlyInAnyOrder("sub/histograms.png", "pairs.png", "corr.png");
    }
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFileAndTheOldFileAsItWas() throws IOException {
    Path out = dir.resolve("corr.png");
    Files.writeString(out, "old contents", StandardCharsets.UTF_8);
    // rendering fails: nothing is written
    assertThatThrownBy(() -> TableFigures.correlationDifference(out, new double[][] {{1}},
        new double[][] {{Double.POSITIVE_INFINITY}}, List.of("a"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
    // encoding fails half-way: the temporary sibling is deleted
    BufferedImage image = TableFigures.renderCorrelationDifference(new double[][] {{1}}, new double[][] {{1}},
        List.of("a"), null).image();
    List<Path> seen = new ArrayList<>();
    Png.Encoder failing = (img, stream) -> {
      stream.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
      stream.flush();
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(p -> !p.equals(out)).forEach(seen::add);
      }
      throw new IOException("disk full");
    };
    assertThatThrownBy(() -> Png.write(out, image, failing)).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(seen).as("the half-written temporary file").hasSize(1);
    assertThat(seen.get(0)).doesNotExist();
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("old contents");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  // ------------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Cell {
    double value(int row, int column);
  }

  private static float[] table(int rows, int dim, Cell cell) {
    float[] t = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dim; j++) {
        t[i * dim + j] = (float) cell.value(i, j);
      }
    }
    return t;
  }

  private static TableFigures.Column column(double[] values) {
    float[] t = new float[values.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) values[i];
    }
    return TableFigures.Column.of(t, t.length, 1, 0);
  }

  private static void set(double[][] m, int i, int j, double v) {
    m[i][j] = v;
    m[j][i] = v;
  }

  /** The colour of a cell a fifth of a cell in from its top left corner, clear of any number in it. */
  private static Color cellColour(TableFigures.Matrix m, int i, int j) {
    return Pixels.at(m.image(), m.cx(j) - 0.3 * m.cell(), m.cy(i) - 0.3 * m.cell());
  }

  /** Pixels matching {@code test} in {@code [x0, x1) x [y0, y1)}. */
  private static int count(BufferedImage img, double x0, double x1, double y0, double y1, Predicate<Color> test) {
    int n = 0;
    for (int y = (int) Math.ceil(y0); y < y1; y++) {
      for (int x = (int) Math.ceil(x0); x < x1; x++) {
        n += test.test(Pixels.at(img, x, y)) ? 1 : 0;
      }
    }
    return n;
  }

  private static boolean red(Color c) {
    return c.getRed() > c.getBlue() + 60 && c.getRed() > c.getGreen() + 60;
  }

  private static boolean blue(Color c) {
    return c.getBlue() > c.getRed() + 80;
  }

  private static boolean white(Color c) {
    return Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue())) > 235;
  }

  private static boolean grey(Color c) {
    return Pixels.greyDarkerThan(c, 190) && Pixels.brightness(c) > 120;
  }

  private static boolean ink(Color c) {
    return Pixels.brightness(c) < 150;
  }

  private static void assertSameSize(Path file, BufferedImage expected) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).as(file.toString()).isNotNull();
    assertThat(img.getWidth()).as(file + " width").isEqualTo(expected.getWidth());
    assertThat(img.getHeight()).as(file + " height").isEqualTo(expected.getHeight());
  }
}
