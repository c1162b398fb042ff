package org.fmjvm.examples.figures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders the table figures for seeded synthetic tables into the folder given as the first
 * argument, for looking at them. A tool, not a test: run it from the test class path with
 * {@code java -cp ... org.fmjvm.examples.figures.TableFigureGallery /tmp/table-figs}.
 */
final class TableFigureGallery {

  private TableFigureGallery() {
  }

  /**
   * @param args the output folder
   * @throws IOException if a figure cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "table-figure-gallery");
    Files.createDirectories(dir);
    SyntheticTable real = SyntheticTable.mixed(5000, 0, 1);
    SyntheticTable gen = SyntheticTable.mixed(3000, 1, 2);
    int dim = real.dim();
    TableFigures.columnHistograms(dir.resolve("table_histograms.png"), real.values(), real.rows(), gen.values(),
        gen.rows(), dim, real.names(), "Mixed table: 5,000 real rows vs 3,000 generated");
    // a diverged model: one column 20 times too wide, another 5% NaN
    float[] bad = gen.values().clone();
    for (int i = 0; i < gen.rows(); i++) {
      bad[i * dim + 6] *= 20;
      if (i % 20 == 0) {
        bad[i * dim + 7] = Float.NaN;
      }
    }
    TableFigures.columnHistograms(dir.resolve("table_histograms_diverged.png"), real.values(), real.rows(), bad,
        gen.rows(), dim, real.names(), "Diverged model: score 20 times too wide, temperature 5% NaN");
    TableFigures.pairPlot(dir.resolve("table_pairs.png"), real.values(), real.rows(), gen.values(), gen.rows(), dim,
        real.names(), new int[] {1, 2, 3, 4, 12}, "Most correlated columns");
    TableFigures.pairPlot(dir.resolve("table_pairs3.png"), real.values(), real.rows(), gen.values(), gen.rows(), dim,
        real.names(), new int[] {0, 5, 9}, "Three columns, two of them integer");
    TableFigures.correlationDifference(dir.resolve("table_correlation.png"), real.correlation(), gen.correlation(),
        real.names(), "Correlation difference, mixed table");

    SyntheticTable digits = SyntheticTable.digits(1797, 0, 3);
    SyntheticTable digitsGen = SyntheticTable.digits(1797, 0.6, 4);
    TableFigures.columnHistograms(dir.resolve("digits_histograms.png"), digits.values(), digits.rows(),
        digitsGen.values(), digitsGen.rows(), 64, digits.names(), "8\u00d78 digits: pixel histograms");
    TableFigures.correlationDifference(dir.resolve("digits_correlation.png"), digits.correlation(),
        digitsGen.correlation(), digits.names(), "8\u00d78 digits: correlation difference");
    TableFigures.pairPlot(dir.resolve("digits_pairs.png"), digits.values(), digits.rows(), digitsGen.values(),
        digitsGen.rows(), 64, digits.names(), new int[] {27, 28, 35, 36}, "8\u00d78 digits: centre pixels");
    // a map with many columns, to see the thinned labels
    int n = 150;
    double[][] a = new double[n][n];
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = i == j ? 1 : Math.cos(0.05 * (i - j)) * 0.5;
        b[i][j] = i == j ? 1 : Math.cos(0.05 * (i - j)) * 0.5 + 0.3 * Math.sin(0.1 * i + 0.07 * j);
      }
    }
    TableFigures.correlationDifference(dir.resolve("wide_correlation.png"), a, b,
        java.util.stream.IntStream.range(0, n).mapToObj(i -> "feature_" + i).toList(), "150 columns");
    TableFigures.columnHistograms(dir.resolve("one_column.png"), new float[] {1, 2, 3, 2}, 4, new float[] {2, 2.5f},
        2, 1, List.of("x"), null);
  }
}
