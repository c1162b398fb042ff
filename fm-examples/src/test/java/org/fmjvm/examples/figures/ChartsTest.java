package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the XChart layer adds to XChart: equal aspect, end tick labels, legends, log grids. */
class ChartsTest {

  @ParameterizedTest(name = "x [{0}, {1}], y [{2}, {3}]")
  @CsvSource({"-6, 6, -6, 6", "-2, 8, -1, 4", "-1, 1, -3, 3", "990, 1010, -5, 15"})
  void pointPlotsKeepOneDataUnitEquallyLongOnBothAxes(double x0, double x1, double y0, double y1) {
    Bounds bounds = new Bounds(x0, x1, y0, y1);
    Random rng = new Random(2);
    Figures.Rendered r = Figures.renderSamples(FourGaussians.source(500, rng), 500,
        FourGaussians.target(500, rng), 500, "aspect", bounds);
    Rectangle2D plot = r.axes().get(0).plot();
    assertThat(r.image().getWidth()).isEqualTo(Figures.SQUARE);
    assertThat(r.image().getHeight()).isEqualTo(Figures.SQUARE);
    double xUnit = plot.getWidth() / (x1 - x0);
    double yUnit = plot.getHeight() / (y1 - y0);
    assertThat(xUnit).isCloseTo(yUnit, within(0.01 * yUnit));
    // as large as the square allows (a tall plot leaves a narrow chart, whose legend is stacked)
    assertThat(Math.max(plot.getWidth(), plot.getHeight())).isGreaterThan(0.65 * Figures.SQUARE);
    assertThat(plot.getX()).isGreaterThan(0);
    assertThat(plot.getMaxX()).isLessThan(Figures.SQUARE);
  }

  @Test
  void theTicksAtBothEndsOfEachAxisAreLabelled() {
    // XChart drops the label of a tick that lies exactly on the end of an axis; -6 and 6 are ticks
    Random rng = new Random(3);
    Figures.Rendered r = Figures.renderSamples(FourGaussians.target(200, rng), 200,
        FourGaussians.target(200, rng), 200, null, Bounds.symmetric(6));
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    Rectangle2D plot = ax.plot();
    for (double y : new double[] {-6, 6}) {
      assertThat(ink(img, plot.getX() - 40, ax.py(y) - 5, 30, 10)).as("label of y = %s", y).isGreaterThan(5);
    }
    for (double x : new double[] {-6, 6}) {
      assertThat(ink(img, ax.px(x) - 10, plot.getMaxY() + 8, 20, 14)).as("label of x = %s", x).isGreaterThan(5);
    }
    // and the loss curve's last step, a wide label at the right edge of the chart
    Figures.Rendered loss = Figures.renderLossCurve(new double[20000], null);
    Axes lx = loss.axes().get(0);
    assertThat(ink(loss.image(), lx.px(20000) - 20, lx.plot().getMaxY() + 8, 40, 14)).isGreaterThan(5);
  }

  @Test
  void legendSwatchesAreOpaqueAndLargeWhileTheCloudsAreSmallAndFaint() {
    Random rng = new Random(4);
    Figures.Rendered r = Figures.renderSamples(FourGaussians.target(3000, rng), 3000,
        FourGaussians.target(3000, rng), 3000, "legend", Bounds.symmetric(6));
    BufferedImage img = r.image();
    Rectangle2D plot = r.axes().get(0).plot();
    int opaqueOrange = 0;
    int opaqueGreen = 0;
    for (int y = (int) plot.getMaxY() + 30; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        Color c = new Color(img.getRGB(x, y));
        opaqueOrange += near(c, Style.TARGET) ? 1 : 0;
        opaqueGreen += near(c, Style.GENERATED) ? 1 : 0;
      }
    }
    assertThat(opaqueOrange).as("target swatch, a disc of radius 4.5").isGreaterThan(30);
    assertThat(opaqueGreen).as("generated swatch").isGreaterThan(30);
    // inside the plot the markers are translucent: nowhere fully orange
    int insideOrange = 0;
    for (int y = (int) plot.getY() + 1; y < plot.getMaxY() - 1; y++) {
      for (int x = (int) plot.getX() + 1; x < plot.getMaxX() - 1; x++) {
        insideOrange += near(new Color(img.getRGB(x, y)), Style.TARGET) ? 1 : 0;
      }
    }
    assertThat(insideOrange).isZero();
  }

  @Test
  void aLogAxisHasGridLinesAtItsLabelledTicksOnly() {
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("euler", new double[][] {{1, 0.8}, {2, 0.4}, {4, 0.2}, {8, 0.1}, {16, 0.05}});
    Figures.Rendered r = Figures.renderQualityVsNfe(series, 0.002, 0.0015, 0.003, "D", null);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double x = ax.px(12); // right of the data's reach at these heights
    assertThat(Pixels.darkestAround(img, x, ax.py(0.01), 0)).as("grid at 0.01").isBetween(200, 240);
    assertThat(Pixels.darkestAround(img, x, ax.py(0.02), 1)).as("no grid at 0.02").isEqualTo(255);
    assertThat(Pixels.darkestAround(img, ax.px(10), ax.py(0.012), 0)).as("grid at NFE 10").isBetween(200, 240);
    assertThat(Pixels.darkestAround(img, ax.px(3), ax.py(0.012), 1)).as("no grid at NFE 3").isEqualTo(255);
  }

  /** Pixels darker than 120 in the rectangle. */
  private static int ink(BufferedImage img, double x, double y, int w, int h) {
    int n = 0;
    for (int dy = 0; dy < h; dy++) {
      for (int dx = 0; dx < w; dx++) {
        n += Pixels.brightness(Pixels.at(img, x + dx, y + dy)) < 120 ? 1 : 0;
      }
    }
    return n;
  }

  private static boolean near(Color a, Color b) {
    return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
        + Math.abs(a.getBlue() - b.getBlue()) <= 12;
  }
}
