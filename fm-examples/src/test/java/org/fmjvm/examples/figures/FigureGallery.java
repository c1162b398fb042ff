package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Renders every figure with realistic data of the demo task into the folder named by the system
 * folder given as the first argument, for looking at them; records render times in
 * {@code timings.txt} there. A tool, not a test: run it from the test class path with
 * {@code java -cp ... org.fmjvm.examples.figures.FigureGallery /tmp/figs}.
 */
final class FigureGallery {

  private FigureGallery() {
  }

  /**
   * @param args the output folder
   * @throws IOException if a figure cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "figure-gallery");
    Files.createDirectories(dir);
    StringBuilder timings = new StringBuilder();
    Random rng = new Random(42);
    FourGaussians task = new FourGaussians();
    Bounds bounds = Bounds.symmetric(6);

    float[] x0 = FourGaussians.source(500, rng);
    float[] x1 = FourGaussians.target(500, rng);
    float[] noise = FourGaussians.source(10_000, rng);
    float[] generated = task.euler(noise, 100)[100];
    float[] target = FourGaussians.target(10_000, rng);
    float[][] trajectories = task.euler(FourGaussians.source(200, rng), 100);
    double[] times = new double[101];
    for (int k = 0; k <= 100; k++) {
      times[k] = k / 100.0;
    }
    double[] loss = new double[5000];
    for (int i = 0; i < loss.length; i++) {
      double level = 7.6 + 9 * Math.exp(-i / 150.0) + 0.8 * Math.exp(-i / 2000.0);
      loss[i] = level * Math.exp(0.09 * rng.nextGaussian());
    }
    Map<String, double[][]> quality = new LinkedHashMap<>();
    int[] nfes = {1, 2, 4, 8, 16, 32, 64, 128};
    String[] solvers = {"euler", "midpoint", "rk4"};
    int[] order = {1, 2, 4};
    int[] evals = {1, 2, 4};
    for (int s = 0; s < solvers.length; s++) {
      double[][] rows = new double[nfes.length][];
      for (int i = 0; i < nfes.length; i++) {
        double nfe = nfes[i] * evals[s];
        double steps = nfes[i];
        rows[i] = new double[] {nfe, 0.0021 * (1 + 0.1 * rng.nextGaussian()) + 0.8 / Math.pow(steps, order[s])};
      }
      quality.put(solvers[s], rows);
    }

    long t = System.nanoTime();
    Figures.pairings(dir.resolve("fig1_pairings.png"), x0, x1, 500,
        "500 independent pairs (x\u2080, x\u2081): x\u209c = t x\u2081 + (1\u2212t) x\u2080", bounds);
    t = lap(timings, "pairings", t);
    Figures.samples(dir.resolve("fig2_generated.png"), generated, 10_000, target, 10_000,
        "Generated (exact flow, Euler, 100 steps) vs target samples", bounds);
    t = lap(timings, "samples", t);
    Figures.trajectories(dir.resolve("fig3_trajectories.png"), trajectories, times,
        "ODE trajectories of 200 samples (Euler, 100 steps)", bounds);
    t = lap(timings, "trajectories", t);
    Figures.velocityField(dir.resolve("fig6_velocity.png"), new double[] {0, 0.25, 0.5, 0.75, 1}, task, bounds,
        FourGaussians.target(2000, rng), "Marginal velocity field v(t, x), N(0, I) \u2192 four Gaussians");
    t = lap(timings, "velocityField", t);
    Figures.velocityField(dir.resolve("fig6b_velocity_grid15_3panels.png"), new double[] {0, 0.5, 0.9}, task,
        bounds, 15, null, "15 \u00d7 15 grid, three panels, no overlay");
    t = lap(timings, "velocityField", t);
    Figures.lossCurve(dir.resolve("fig5_loss.png"), loss, "Training loss");
    t = lap(timings, "lossCurve", t);
    Figures.qualityVsNfe(dir.resolve("fig4_quality_vs_nfe.png"), quality, 0.0021, 0.0014, 0.0029,
        "energy distance D\u00b2", "Sample quality vs NFE (10,000 generated vs 10,000 target)");
    lap(timings, "qualityVsNfe", t);
    // the same pair plot without bounds, and a tiny run, to see the defaults
    Figures.pairings(dir.resolve("fig1b_pairings_default_bounds.png"), x0, x1, 500, "default bounds");
    Figures.lossCurve(dir.resolve("fig5b_loss_short.png"), java.util.Arrays.copyOf(loss, 60), "Training loss, 60 steps");
    overfitting(dir.resolve("fig5c_loss_overfitting.png"), new Random(5));
    Files.writeString(dir.resolve("timings.txt"), timings.toString(), StandardCharsets.UTF_8);
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
  }

  /**
   * A run that overfits: 5,000 steps of a per-step loss falling from 25 to 12, evaluated every 500
   * steps; the held-out loss bottoms out at 19.5 at step 500 and climbs to 29, the training rows
   * keep falling from 15.8 to 12.3, and the weights of step 500 are kept.
   */
  static void overfitting(Path out, Random rng) throws IOException {
    double[] loss = new double[5000];
    for (int i = 0; i < loss.length; i++) {
      double level = 12 + 13 * Math.exp(-i / 700.0);
      loss[i] = level * Math.exp(0.08 * rng.nextGaussian());
    }
    double[][] heldOut = new double[10][];
    double[][] trainingRows = new double[10][];
    for (int k = 0; k < 10; k++) {
      int step = 500 * (k + 1);
      double f = k / 9.0;
      heldOut[k] = new double[] {step, 19.5 + 9.5 * Math.pow(f, 1.3)};
      trainingRows[k] = new double[] {step, 12.3 + 3.5 * Math.exp(-4.0 * f) - 3.5 * Math.exp(-4.0) * f};
    }
    Figures.lossCurve(out, loss, heldOut, trainingRows, 500,
        "Training loss, held-out rows every 500 steps");
  }

  private static long lap(StringBuilder sb, String name, long start) {
    long now = System.nanoTime();
    sb.append(String.format(Locale.ROOT, "%-14s %7.1f ms%n", name, (now - start) / 1e6));
    return now;
  }
}
