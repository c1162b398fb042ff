package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FiguresTest {

  private static final Bounds SIX = Bounds.symmetric(6);

  @TempDir
  Path dir;

  // ------------------------------------------------------------------------------------------
  // files: valid PNGs of the documented size, written atomically

  @Test
  void everyFigureIsAValidPngOfItsSizeAndNoTemporaryFileRemains() throws IOException {
    Random rng = new Random(1);
    float[] a = FourGaussians.source(300, rng);
    float[] b = FourGaussians.target(300, rng);
    float[][] states = {a, mix(a, b, 0.5f), b};
    Figures.pairings(dir.resolve("pairings.png"), a, b, 300, "pairs");
    Figures.samples(dir.resolve("samples.png"), a, 300, b, 300, "samples");
    Figures.trajectories(dir.resolve("trajectories.png"), states, new double[] {0, 0.5, 1}, "trajectories");
    double[] times = {0, 0.25, 0.5, 0.75, 1};
    Figures.velocityField(dir.resolve("velocity.png"), times, new FourGaussians(), SIX, b, "field");
    Figures.lossCurve(dir.resolve("loss.png"), decayingLoss(500), "loss");
    Figures.qualityVsNfe(dir.resolve("quality.png"), quality(), 0.002, 0.0015, 0.003, "energy distance", "quality");

    assertSize("pairings.png", Figures.SQUARE, Figures.SQUARE);
    assertSize("samples.png", Figures.SQUARE, Figures.SQUARE);
    assertSize("trajectories.png", Figures.SQUARE, Figures.SQUARE);
    BufferedImage expected = Figures.renderVelocityField(times, new FourGaussians(), SIX, Figures.DEFAULT_GRID, b,
        "field").image();
    assertSize("velocity.png", expected.getWidth(), expected.getHeight());
    assertThat(expected.getWidth()).as("five panels in two rows of at most three: readable without zooming")
        .isBetween(1000, 1500);
    assertThat(expected.getHeight()).isBetween(expected.getWidth() / 2, expected.getWidth());
    assertSize("loss.png", Figures.LOSS_WIDTH, Figures.LOSS_HEIGHT);
    assertSize("quality.png", Figures.QUALITY_WIDTH, Figures.QUALITY_HEIGHT);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pairings.png",
          "samples.png", "trajectories.png", "velocity.png", "loss.png", "quality.png");
    }
  }

  @Test
  void replacesAnExistingFileAndCreatesMissingDirectories() throws IOException {
    Path out = dir.resolve("sub/dir/loss.png");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "old contents", StandardCharsets.UTF_8);
    Figures.lossCurve(out, decayingLoss(300), null);
    assertThat(ImageIO.read(out.toFile())).isNotNull();
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void aFailureWhileRenderingLeavesTheExistingFileAsItWas() throws IOException {
    Path out = dir.resolve("velocity.png");
    Files.writeString(out, "old contents", StandardCharsets.UTF_8);
    VelocityGrid broken = (t, xy) -> {
      throw new IllegalStateException("model exploded at t = " + t);
    };
    assertThatThrownBy(() -> Figures.velocityField(out, new double[] {0, 1}, broken, SIX, null, "x"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("model exploded");
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("old contents");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void aFailureWhileEncodingDeletesTheTemporaryFileAndKeepsTheExistingFile() throws IOException {
    Path out = dir.resolve("figure.png");
    Files.writeString(out, "old contents", StandardCharsets.UTF_8);
    BufferedImage image = Figures.renderLossCurve(decayingLoss(300), "loss").image();
    Path[] seen = new Path[1];
    Png.Encoder failing = (img, stream) -> {
      stream.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4});
      stream.flush();
      try (Stream<Path> files = Files.list(dir)) {
        seen[0] = files.filter(p -> !p.equals(out)).findFirst().orElse(null);
      }
      throw new IOException("disk full");
    };
    assertThatThrownBy(() -> Png.write(out, image, failing)).isInstanceOf(IOException.class)
        .hasMessage("disk full");
    assertThat(seen[0]).as("half-written bytes go to a sibling temporary file").isNotNull();
    assertThat(seen[0].getParent()).isEqualTo(out.getParent());
    assertThat(seen[0]).doesNotExist();
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("old contents");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void aFieldOfTheWrongShapeFailsLoudlyAndWritesNothing() {
    Path out = dir.resolve("velocity.png");
    assertThatThrownBy(() -> Figures.velocityField(out, new double[] {0.5}, (t, xy) -> new double[3], SIX, 4,
        null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 x 2 = 32")
        .hasMessageContaining("got 3");
    assertThatThrownBy(() -> Figures.velocityField(out, new double[] {0.5},
        (t, xy) -> new double[] {Double.NaN, 0, 0, 0, 0, 0, 0, 0}, SIX, 2, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
    assertThat(out).doesNotExist();
  }

  @Test
  void badInputsAreRejectedWithTheActualValues() {
    Path out = dir.resolve("x.png");
    assertThatThrownBy(() -> Figures.pairings(out, new float[4], new float[6], 3, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x0").hasMessageContaining("length 4");
    assertThatThrownBy(() -> Figures.trajectories(out, new float[][] {new float[4], new float[4]},
        new double[] {1, 0}, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1.0, 0.0]");
    assertThatThrownBy(() -> Figures.qualityVsNfe(out, Map.of(), 0.5, 0.6, 0.7, "y", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low 0.6");
    assertThatThrownBy(() -> Figures.lossCurve(out, new double[0], null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(out).doesNotExist();
  }

  // ------------------------------------------------------------------------------------------
  // pixels: what is drawn lands where the data says

  @Test
  void samplesShowGeneratedColourExactlyWhereGeneratedPointsAreAndOnTopOfTheTarget() {
    Random rng = new Random(7);
    // generated: a tight cluster at (3, 2) and one at (0, 4); target: clusters at (-3, -2) and (0, 4)
    float[] gen = concat(cluster(400, 3, 2, 0.15, rng), cluster(400, 0, 4, 0.15, rng));
    float[] tgt = concat(cluster(400, -3, -2, 0.15, rng), cluster(400, 0, 4, 0.15, rng));
    Figures.Rendered r = Figures.renderSamples(gen, 800, tgt, 800, "t", SIX);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);

    assertThat(Pixels.countInDisc(img, ax.px(3), ax.py(2), 8, Pixels::greenish)).isGreaterThan(100);
    assertThat(Pixels.countInDisc(img, ax.px(-3), ax.py(-2), 8, Pixels::orangeish)).isGreaterThan(100);
    assertThat(Pixels.countInDisc(img, ax.px(-3), ax.py(-2), 30, Pixels::greenish)).isZero();
    assertThat(Pixels.countInDisc(img, ax.px(3), ax.py(-2), 30, Pixels::greenish)).isZero();
    assertThat(Pixels.countInDisc(img, ax.px(-3), ax.py(2), 30, Pixels::greenish)).isZero();
    // where both overlap, the generated points are drawn last and dominate
    assertThat(Pixels.greenish(Pixels.at(img, ax.px(0), ax.py(4)))).isTrue();
    // orientation, independent of the mapping: (3, 2) is right of and above the centre of the plot
    Rectangle2D plot = ax.plot();
    int greenRightTop = 0;
    for (int y = (int) plot.getY(); y < plot.getCenterY(); y++) {
      for (int x = (int) plot.getCenterX() + 20; x < plot.getMaxX(); x++) {
        if (Pixels.greenish(Pixels.at(img, x, y))) {
          greenRightTop++;
        }
      }
    }
    assertThat(greenRightTop).isGreaterThan(100);
  }

  @Test
  void pairingsDrawTheLineBetweenAPairsEndpointsAndNowhereElse() {
    float[] x0 = {-4, -2};
    float[] x1 = {3, 4};
    Figures.Rendered r = Figures.renderPairings(x0, x1, 1, null, SIX);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double ax0 = ax.px(-4);
    double ay0 = ax.py(-2);
    double ax1 = ax.px(3);
    double ay1 = ax.py(4);
    double len = Math.hypot(ax1 - ax0, ay1 - ay0);
    double nx = -(ay1 - ay0) / len;
    double ny = (ax1 - ax0) / len;
    for (double f = 0.2; f <= 0.8; f += 0.05) {
      double x = ax0 + f * (ax1 - ax0);
      double y = ay0 + f * (ay1 - ay0);
      // one line alone is light (500 of them overlap), but darker than the grid (232) and neutral
      assertThat(Pixels.greyDarkerThan(Pixels.darkestColorAround(img, x, y, 1), 222)).as("line at %.2f", f).isTrue();
      assertThat(Pixels.darkestAround(img, x + 12 * nx, y + 12 * ny, 1)).as("12 px beside the line").isGreaterThan(228);
      assertThat(Pixels.darkestAround(img, x - 12 * nx, y - 12 * ny, 1)).as("12 px beside the line").isGreaterThan(228);
    }
    assertThat(Pixels.bluish(Pixels.at(img, ax0, ay0))).as("source point").isTrue();
    assertThat(Pixels.orangeish(Pixels.at(img, ax1, ay1))).as("target point").isTrue();
  }

  @Test
  void trajectoriesStartBlueEndGreenAndFollowTheirStates() {
    // straight trajectories x_t = (1 - t) x0 + t x1 at t = 0, 0.1, ..., 1
    float[] x0 = {-4, -4, 4, -4};
    float[] x1 = {-1, 4, 5, 3};
    float[][] states = new float[11][];
    double[] times = new double[11];
    for (int k = 0; k <= 10; k++) {
      times[k] = k / 10.0;
      states[k] = mix(x0, x1, k / 10f);
    }
    Figures.Rendered r = Figures.renderTrajectories(states, times, null, SIX);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    for (int i = 0; i < 2; i++) {
      assertThat(Pixels.bluish(Pixels.at(img, ax.px(x0[2 * i]), ax.py(x0[2 * i + 1])))).isTrue();
      assertThat(Pixels.greenish(Pixels.at(img, ax.px(x1[2 * i]), ax.py(x1[2 * i + 1])))).isTrue();
      for (double f = 0.25; f <= 0.75; f += 0.125) {
        double x = (1 - f) * x0[2 * i] + f * x1[2 * i];
        double y = (1 - f) * x0[2 * i + 1] + f * x1[2 * i + 1];
        assertThat(Pixels.darkestAround(img, ax.px(x), ax.py(y), 1)).as("trajectory %d at %.3f", i, f)
            .isLessThan(215);
      }
    }
    // nothing between the two trajectories
    assertThat(Pixels.darkestAround(img, ax.px(1.5), ax.py(-1), 3)).isGreaterThan(225);
  }

  @ParameterizedTest(name = "v = ({0}, {1})")
  @CsvSource({"1, 0", "-1, 0", "0, 1", "0, -1", "0.7, 0.7", "-0.6, 0.8"})
  void aConstantFieldsArrowsPointTheWayTheFieldDoes(double vx, double vy) {
    int grid = 5;
    Figures.Rendered r = Figures.renderVelocityField(new double[] {0.5}, constant(vx, vy), SIX, grid, null, null);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double len = 0.9 * ax.plot().getWidth() / grid;
    // direction on screen: y grows downwards
    double s = Math.hypot(vx, vy);
    double ux = vx / s;
    double uy = -vy / s;
    double cx = ax.px(0);
    double cy = ax.py(0);
    // arrows are centred on their grid point; probe 6 px inside each end, across the arrow
    double end = len / 2 - 6;
    int ahead = crossSectionInk(img, cx + ux * end, cy + uy * end, -uy, ux, 8);
    int behind = crossSectionInk(img, cx - ux * end, cy - uy * end, -uy, ux, 8);
    assertThat(ahead).as("the head is ahead (wide)").isGreaterThanOrEqualTo(4);
    assertThat(behind).as("the tail is behind (one shaft)").isBetween(1, 3);
    // no ink beyond the tip or beside the arrow
    assertThat(crossSectionInk(img, cx + ux * (len / 2 + 4), cy + uy * (len / 2 + 4), -uy, ux, 8)).isZero();
    assertThat(crossSectionInk(img, cx - uy * 0.3 * len, cy + ux * 0.3 * len, ux, uy, 5)).isZero();
  }

  @Test
  void arrowsFlipWithTheFieldAndDarkenWithSpeed() {
    int grid = 4;
    // v = (x, 0): left half points left, right half points right, outer columns twice as fast
    VelocityGrid field = (t, xy) -> {
      double[] v = new double[xy.length];
      for (int i = 0; i < xy.length; i += 2) {
        v[i] = xy[i];
      }
      return v;
    };
    Figures.Rendered r = Figures.renderVelocityField(new double[] {0.3}, field, SIX, grid, null, null);
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double cell = ax.plot().getWidth() / grid;
    // cell centres are at x = -4.5, -1.5, 1.5, 4.5 ; y = 1.5
    double y = ax.py(1.5);
    double end = 0.9 * cell / 2 - 6;
    assertThat(crossSectionInk(img, ax.px(4.5) + end, y, 0, 1, 8)).isGreaterThanOrEqualTo(4);
    assertThat(crossSectionInk(img, ax.px(4.5) - end, y, 0, 1, 8)).isBetween(1, 3);
    assertThat(crossSectionInk(img, ax.px(-4.5) - end, y, 0, 1, 8)).isGreaterThanOrEqualTo(4);
    assertThat(crossSectionInk(img, ax.px(-4.5) + end, y, 0, 1, 8)).isBetween(1, 3);
    int fast = Pixels.darkestAround(img, ax.px(4.5), y, 1);
    int slow = Pixels.darkestAround(img, ax.px(1.5), y, 1);
    assertThat(fast).as("the faster arrow is darker").isLessThan(slow - 30);
  }

  @Test
  void lossCurveDrawsTheMovingAverageOnALogScale() {
    double[] loss = new double[3000];
    for (int i = 0; i < loss.length; i++) {
      loss[i] = 10 * Math.exp(-i / 600.0) * (i % 2 == 0 ? 1.3 : 0.7);
    }
    Figures.Rendered r = Figures.renderLossCurve(loss, "loss");
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    assertThat(ax.yLog()).isTrue();
    double[] avg = Figures.movingAverage(loss, Figures.LOSS_WINDOW);
    for (int step : new int[] {300, 1000, 2000, 2900}) {
      double value = avg[step - Figures.LOSS_WINDOW];
      assertThat(Pixels.darkestAround(img, ax.px(step), ax.py(value), 1)).as("average at step %d", step)
          .isLessThan(60);
      // on a linear axis the same value would sit elsewhere: there the plot is not black
      double linearY = ax.plot().getMaxY()
          - (value - ax.yMin()) / (ax.yMax() - ax.yMin()) * ax.plot().getHeight();
      if (Math.abs(linearY - ax.py(value)) > 10) {
        assertThat(Pixels.darkestAround(img, ax.px(step), linearY, 1)).isGreaterThan(100);
      }
    }
    // before the first full window there is only the light per-step line
    assertThat(Pixels.darkestAround(img, ax.px(40), ax.py(10 * Math.exp(-40 / 600.0) * 1.3), 2))
        .isBetween(120, 230);
  }

  // held-out rows overfit from step 1000 on: their loss rises while the training rows keep falling
  private static final double[][] HELD_OUT = {{500, 14}, {1000, 13}, {1500, 15}, {2000, 18}, {2500, 22},
      {3000, 27}};
  private static final double[][] TRAINING_ROWS = {{500, 12}, {1000, 10.5}, {1500, 9.6}, {2000, 9}, {2500, 8.5},
      {3000, 8}};

  @Test
  void heldOutLossesAreRedAtTheirStepsAndClimbThePlotAsTheyGrow() {
    Figures.Rendered r = Figures.renderLossCurve(smoothLoss(3000), HELD_OUT, TRAINING_ROWS, 0, "loss");
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    for (double[] row : HELD_OUT) {
      assertThat(Pixels.countInDisc(img, ax.px(row[0]), ax.py(row[1]), 3, Pixels::reddish))
          .as("held-out marker at step %.0f", row[0]).isGreaterThan(15);
    }
    for (double[] row : TRAINING_ROWS) {
      assertThat(Pixels.countInDisc(img, ax.px(row[0]), ax.py(row[1]), 3, Pixels::bluish))
          .as("training-rows marker at step %.0f", row[0]).isGreaterThan(15);
      assertThat(Pixels.countInDisc(img, ax.px(row[0]), ax.py(row[1]), 6, Pixels::reddish)).isZero();
    }
    // without the mapping: the later, larger held-out losses are higher up in the image
    Rectangle2D plot = ax.plot();
    int at1000 = topmost(img, ax.px(1000), plot, Pixels::reddish);
    int at2000 = topmost(img, ax.px(2000), plot, Pixels::reddish);
    int at3000 = topmost(img, ax.px(3000), plot, Pixels::reddish);
    assertThat(at2000).isLessThan(at1000 - 20);
    assertThat(at3000).isLessThan(at2000 - 20);
    // the y range covers every series: the per-step loss (10 to 20) and both evaluations (8 to 27)
    assertThat(ax.yMax()).isGreaterThanOrEqualTo(27);
    assertThat(ax.yMin()).isLessThanOrEqualTo(8);
  }

  @Test
  void theYRangeStretchesToAHeldOutLossFarAboveTheTrainingLoss() {
    double[][] held = {{1000, 12}, {2000, 40}, {3000, 100}};
    double[][] train = {{1000, 11}, {2000, 10.5}, {3000, 10}};
    Figures.Rendered r = Figures.renderLossCurve(smoothLoss(3000), held, train, 0, null);
    Axes ax = r.axes().get(0);
    assertThat(ax.yMax()).isGreaterThanOrEqualTo(100);
    assertThat(ax.py(100)).isGreaterThan(ax.plot().getY());
    assertThat(Pixels.countInDisc(r.image(), ax.px(3000), ax.py(100), 3, Pixels::reddish)).isGreaterThan(15);
  }

  @Test
  void withEvaluationsThePerStepLossAndItsAverageStayAndColourAppearsOnlyOnTheEvaluationLines() {
    double[] loss = smoothLoss(3000);
    Figures.Rendered r = Figures.renderLossCurve(loss, HELD_OUT, TRAINING_ROWS, 0, "loss");
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double[] avg = Figures.movingAverage(loss, Figures.LOSS_WINDOW);
    for (int step : new int[] {300, 1200, 2200, 2800}) {
      assertThat(Pixels.darkestAround(img, ax.px(step), ax.py(avg[step - Figures.LOSS_WINDOW]), 1))
          .as("average at step %d", step).isLessThan(60);
    }
    assertThat(Pixels.darkestAround(img, ax.px(40), ax.py(loss[39]), 1)).as("per-step loss before the window")
        .isBetween(120, 230);
    Rectangle2D plot = ax.plot();
    int red = 0;
    int blue = 0;
    for (int y = (int) plot.getY(); y < plot.getMaxY(); y++) {
      for (int x = (int) plot.getX(); x < plot.getMaxX(); x++) {
        Color c = Pixels.at(img, x, y);
        if (Pixels.reddish(c)) {
          red++;
          assertThat(distanceToPolyline(ax, HELD_OUT, x + 0.5, y + 0.5)).as("red pixel (%d, %d)", x, y)
              .isLessThan(5);
        } else if (Pixels.bluish(c)) {
          blue++;
          assertThat(distanceToPolyline(ax, TRAINING_ROWS, x + 0.5, y + 0.5)).as("blue pixel (%d, %d)", x, y)
              .isLessThan(5);
        }
      }
    }
    assertThat(red).isGreaterThan(500);
    assertThat(blue).isGreaterThan(500);
  }

  @Test
  void withoutEvaluationsTheNewOverloadDrawsTheOldFigure() {
    double[] loss = decayingLoss(700);
    loss[123] = Double.NaN;
    assertThat(sameImage(Figures.renderLossCurve(loss, new double[0][], new double[0][], 0, "loss").image(),
        Figures.renderLossCurve(loss, "loss").image())).isTrue();
  }

  @Test
  void theKeptStepGetsADashedLineALabelAndARingOnItsHeldOutPoint() {
    double[] loss = smoothLoss(3000);
    Figures.Rendered kept = Figures.renderLossCurve(loss, HELD_OUT, TRAINING_ROWS, 1000, null);
    Figures.Rendered none = Figures.renderLossCurve(loss, HELD_OUT, TRAINING_ROWS, 0, null);
    Axes ax = kept.axes().get(0);
    Rectangle2D plot = ax.plot();
    double x = ax.px(1000);
    assertThat(darkRows(kept.image(), x, plot)).as("dashed line at step 1000").isGreaterThan(0.45);
    assertThat(darkRows(none.image(), x, plot)).as("no line without a kept step").isLessThan(0.15);
    assertThat(darkRows(kept.image(), ax.px(2000), plot)).as("no line at step 2000").isLessThan(0.15);
    // the label at the top of the plot, right of the line
    double top = plot.getY() + 3;
    assertThat(darkPixels(kept.image(), x + 4, top, x + 100, top + 18)).as("label").isGreaterThan(30);
    assertThat(darkPixels(none.image(), x + 4, top, x + 100, top + 18)).isZero();
    assertThat(darkPixels(kept.image(), x - 100, top, x - 4, top + 18)).isZero();
    // a dark ring round the held-out point of step 1000, beside the line as well
    double rx = x;
    double ry = ax.py(13);
    assertThat(ringInk(kept.image(), rx, ry)).as("ring").isGreaterThan(12);
    assertThat(ringInk(none.image(), rx, ry)).isZero();
    // the last step is the end of training: nothing to mark, as for 0
    Figures.Rendered last = Figures.renderLossCurve(loss, HELD_OUT, TRAINING_ROWS, 3000, null);
    assertThat(sameImage(last.image(), none.image())).isTrue();
  }

  @Test
  void aKeptStepNearTheRightEdgeHasItsLabelLeftOfTheLine() {
    Figures.Rendered r = Figures.renderLossCurve(smoothLoss(3000), HELD_OUT, TRAINING_ROWS, 2950, null);
    Axes ax = r.axes().get(0);
    Rectangle2D plot = ax.plot();
    double x = ax.px(2950);
    double top = plot.getY() + 3;
    assertThat(darkRows(r.image(), x, plot)).isGreaterThan(0.45);
    assertThat(darkPixels(r.image(), x - 100, top, x - 4, top + 18)).as("label").isGreaterThan(30);
    assertThat(darkPixels(r.image(), x + 4, top, plot.getMaxX() - 1, top + 18)).isZero();
  }

  @Test
  void lossCurveWithEvaluationsWritesAPngOfTheLossFigureSize() throws IOException {
    Path out = dir.resolve("loss-heldout.png");
    Figures.lossCurve(out, smoothLoss(3000), HELD_OUT, TRAINING_ROWS, 1000, "loss");
    assertSize("loss-heldout.png", Figures.LOSS_WIDTH, Figures.LOSS_HEIGHT);
    Figures.lossCurve(out, smoothLoss(3000), new double[0][], new double[0][], 0, "loss");
    assertSize("loss-heldout.png", Figures.LOSS_WIDTH, Figures.LOSS_HEIGHT);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "row of length 3; 1000 20 1; 0; length 2",
      "step 0; 0 20; 0; got 0.0",
      "step after the last; 3001 20; 0; got 3001.0",
      "fractional step; 2.5 20; 0; got 2.5",
      "zero loss; 1000 0; 0; got 0.0",
      "NaN loss; 1000 NaN; 0; got NaN",
      "infinite loss; 1000 Infinity; 0; got Infinity",
      "negative kept step; 1000 20; -1; got -1",
      "kept step after the last; 1000 20; 3001; got 3001",
      "same step twice; 1000 20 1000 21; 0; step 1000"})
  void badEvaluationsAreRejectedWithTheActualValue(String name, String row, int keptStep, String message) {
    String[] parts = row.split(" ");
    double[][] rows = parts.length == 4
        ? new double[][] {{Double.parseDouble(parts[0]), Double.parseDouble(parts[1])},
            {Double.parseDouble(parts[2]), Double.parseDouble(parts[3])}}
        : new double[][] {java.util.Arrays.stream(parts).mapToDouble(Double::parseDouble).toArray()};
    Path out = dir.resolve("x.png");
    double[] loss = smoothLoss(3000);
    assertThatThrownBy(() -> Figures.lossCurve(out, loss, rows, TRAINING_ROWS, keptStep, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    if (keptStep == 0) {
      assertThatThrownBy(() -> Figures.lossCurve(out, loss, HELD_OUT, rows, 0, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trainingRows")
          .hasMessageContaining(message);
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void missingEvaluationArraysAreNamed() {
    Path out = dir.resolve("x.png");
    assertThatThrownBy(() -> Figures.lossCurve(out, smoothLoss(10), null, new double[0][], 0, null))
        .isInstanceOf(NullPointerException.class).hasMessage("heldOut");
    assertThatThrownBy(() -> Figures.lossCurve(out, smoothLoss(10), new double[0][], null, 0, null))
        .isInstanceOf(NullPointerException.class).hasMessage("trainingRows");
    assertThatThrownBy(() -> Figures.lossCurve(out, smoothLoss(10), new double[][] {null}, new double[0][], 0,
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heldOut[0]");
  }

  @Test
  void movingAverageIsTheTrailingWindowMeanAndSkipsWindowsWithNonFiniteLosses() {
    double[] v = {1, 2, 3, 4, Double.NaN, 6, 7, 8};
    double[] avg = Figures.movingAverage(v, 3);
    assertThat(avg).hasSize(6);
    assertThat(avg[0]).isEqualTo(2.0);
    assertThat(avg[1]).isEqualTo(3.0);
    assertThat(avg[2]).isNaN();
    assertThat(avg[4]).isNaN();
    assertThat(avg[5]).isEqualTo(7.0);
    assertThat(Figures.movingAverage(v, 9)).isEmpty();
  }

  @Test
  void qualityPlotShadesTheNoiseFloorBandAndDrawsEachSolver() {
    Map<String, double[][]> series = quality();
    Figures.Rendered r = Figures.renderQualityVsNfe(series, 0.002, 0.0015, 0.003, "D", "q");
    BufferedImage img = r.image();
    Axes ax = r.axes().get(0);
    double x = ax.px(3);
    double inBand = Math.sqrt(0.0015 * 0.002); // between low and mean: off the dashed line
    Color band = Pixels.at(img, x, ax.py(inBand));
    assertThat(Pixels.greyDarkerThan(band, 235)).as("band colour %s", band).isTrue();
    assertThat(Pixels.brightness(band)).isGreaterThan(150);
    assertThat(Pixels.darkestAround(img, x, ax.py(0.006), 0)).as("above the band").isGreaterThan(225);
    assertThat(Pixels.darkestAround(img, x, ax.py(0.0011), 0)).as("below the band").isGreaterThan(225);
    // the dashed mean line is dark somewhere along its length
    int darkest = 255;
    for (int dx = 0; dx < 12; dx++) {
      darkest = Math.min(darkest, Pixels.darkestAround(img, x + dx, ax.py(0.002), 0));
    }
    assertThat(darkest).isLessThan(120);
    // first series (red) has a marker at each of its points
    for (double[] row : series.get("euler")) {
      Color c = Pixels.at(img, ax.px(row[0]), ax.py(row[1]));
      assertThat(c.getRed() > c.getGreen() + 80 && c.getRed() > c.getBlue() + 80).as("euler marker %s", c).isTrue();
    }
  }

  // ------------------------------------------------------------------------------------------

  private void assertSize(String name, int width, int height) throws IOException {
    BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
    assertThat(img).as(name).isNotNull();
    assertThat(img.getWidth()).as(name + " width").isEqualTo(width);
    assertThat(img.getHeight()).as(name + " height").isEqualTo(height);
  }

  /** Non-white, non-grid pixels on a line through {@code (x, y)} along {@code (dx, dy)}, +-half pixels. */
  private static int crossSectionInk(BufferedImage img, double x, double y, double dx, double dy, int half) {
    int n = 0;
    for (int k = -half; k <= half; k++) {
      Color c = Pixels.at(img, x + k * dx, y + k * dy);
      if (Pixels.bluish(c) && Pixels.brightness(c) < 200) {
        n++;
      }
    }
    return n;
  }

  private static VelocityGrid constant(double vx, double vy) {
    return (t, xy) -> {
      double[] v = new double[xy.length];
      for (int i = 0; i < xy.length; i += 2) {
        v[i] = vx;
        v[i + 1] = vy;
      }
      return v;
    };
  }

  private static float[] cluster(int n, double cx, double cy, double std, Random rng) {
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      xy[2 * i] = (float) (cx + std * rng.nextGaussian());
      xy[2 * i + 1] = (float) (cy + std * rng.nextGaussian());
    }
    return xy;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static float[] mix(float[] x0, float[] x1, float t) {
    float[] xt = new float[x0.length];
    for (int i = 0; i < xt.length; i++) {
      xt[i] = (1 - t) * x0[i] + t * x1[i];
    }
    return xt;
  }

  /** A noise-free loss falling from 20 towards 10. */
  private static double[] smoothLoss(int n) {
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      loss[i] = 10 + 10 * Math.exp(-i / 500.0);
    }
    return loss;
  }

  /** The first row from the top of the plot, in the pixel column at {@code x}, whose colour passes. */
  private static int topmost(BufferedImage img, double x, Rectangle2D plot,
      java.util.function.Predicate<Color> test) {
    for (int y = (int) plot.getY(); y < plot.getMaxY(); y++) {
      if (test.test(Pixels.at(img, x, y))) {
        return y;
      }
    }
    return Integer.MAX_VALUE;
  }

  /** Share of the plot's rows with a dark grey pixel within 1 px of column {@code x}. */
  private static double darkRows(BufferedImage img, double x, Rectangle2D plot) {
    int dark = 0;
    int rows = 0;
    for (int y = (int) plot.getY() + 1; y < plot.getMaxY() - 1; y++) {
      rows++;
      for (int dx = -1; dx <= 1; dx++) {
        if (Pixels.greyDarkerThan(Pixels.at(img, x + dx, y), 110)) {
          dark++;
          break;
        }
      }
    }
    return (double) dark / rows;
  }

  /** Dark grey pixels (text) in the box from {@code (x0, y0)} to {@code (x1, y1)}. */
  private static int darkPixels(BufferedImage img, double x0, double y0, double x1, double y1) {
    int n = 0;
    for (int y = (int) y0; y < y1; y++) {
      for (int x = (int) x0; x < x1; x++) {
        if (Pixels.greyDarkerThan(Pixels.at(img, x, y), 110)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Dark grey pixels 6.5 to 9.5 px from {@code (x, y)} and more than 3 px left or right of it. */
  private static int ringInk(BufferedImage img, double x, double y) {
    int n = 0;
    for (int py = (int) y - 10; py <= y + 10; py++) {
      for (int px = (int) x - 10; px <= x + 10; px++) {
        double d = Math.hypot(px + 0.5 - x, py + 0.5 - y);
        if (d >= 6.5 && d <= 9.5 && Math.abs(px + 0.5 - x) > 3
            && Pixels.greyDarkerThan(Pixels.at(img, px, py), 110)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Distance in pixels from {@code (x, y)} to the polyline through the rows {@code {step, loss}}. */
  private static double distanceToPolyline(Axes ax, double[][] rows, double x, double y) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i + 1 < rows.length; i++) {
      java.awt.geom.Line2D seg = new java.awt.geom.Line2D.Double(ax.px(rows[i][0]), ax.py(rows[i][1]),
          ax.px(rows[i + 1][0]), ax.py(rows[i + 1][1]));
      best = Math.min(best, seg.ptSegDist(x, y));
    }
    return best;
  }

  private static boolean sameImage(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return false;
    }
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return true;
  }

  private static double[] decayingLoss(int n) {
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      loss[i] = 8 + 10 * Math.exp(-i / 50.0);
    }
    return loss;
  }

  private static Map<String, double[][]> quality() {
    Map<String, double[][]> m = new LinkedHashMap<>();
    m.put("euler", new double[][] {{8, 0.1}, {1, 0.8}, {2, 0.4}, {4, 0.2}});
    m.put("rk4", new double[][] {{4, 0.05}, {8, 0.005}, {16, 0.0022}});
    return m;
  }

  @Test
  void pairingPathsDrawTheIntermediatePointsNotAChord() throws IOException {
    // one pair from (-4, 0) to (4, 0) along a half circle through (0, 4)
    int points = 41;
    float[][] arc = new float[points][];
    for (int k = 0; k < points; k++) {
      double angle = Math.PI * (1 - (double) k / (points - 1));
      arc[k] = new float[] {(float) (4 * Math.cos(angle)), (float) (4 * Math.sin(angle))};
    }
    Bounds bounds = Bounds.symmetric(6);
    Path curved = dir.resolve("curved.png");
    Path straight = dir.resolve("straight.png");
    Figures.pairingPaths(curved, arc, "x_t on a half circle", "one pair", bounds);
    Figures.pairingPaths(straight, new float[][] {arc[0], arc[points - 1]}, "x_t on a half circle", "one pair",
        bounds);
    BufferedImage c = ImageIO.read(curved.toFile());
    BufferedImage s = ImageIO.read(straight.toFile());
    assertThat(c.getWidth()).isEqualTo(Figures.SQUARE);
    int differing = 0;
    for (int y = 0; y < c.getHeight(); y++) {
      for (int x = 0; x < c.getWidth(); x++) {
        if (c.getRGB(x, y) != s.getRGB(x, y)) {
          differing++;
        }
      }
    }
    assertThat(differing).as("pixels where the arc and the chord differ").isGreaterThan(200);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    assertThatThrownBy(() -> Figures.pairingPaths(dir.resolve("x.png"), new float[][] {arc[0]}, "l", "t", bounds))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
