package org.fmjvm.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;

/**
 * How close a generated table is to a real one: the numbers a data person checks for synthetic tabular
 * data. "Real" is the training table unless said otherwise; "held-out" are real rows kept out of
 * training.
 *
 * <ul>
 *   <li>{@link #columns()}: per column, the real and generated mean and standard deviation, their ratio,
 *       and the two-sample Kolmogorov-Smirnov statistic between the real and the generated column;</li>
 *   <li>{@link #correlations()}: the Pearson correlation matrices of the real and the generated rows and
 *       how far apart they are;</li>
 *   <li>{@link #energy()}: the energy distance between generated and real rows in standardized units,
 *       next to its noise floor (real rows against real rows);</li>
 *   <li>{@link #memorisation()}: distances to the closest training record (DCR) of the generated rows,
 *       compared with those of held-out real rows, and a verdict on copying.</li>
 * </ul>
 *
 * <p><b>Standardized units</b> (energy distance and DCR): every column is shifted by the training
 * table's mean and divided by its standard deviation, so a column measured in thousandths counts as
 * much as one measured in thousands. Columns constant in the training table cannot be scaled and are
 * left out of these two (they still appear in {@link #columns()}).
 *
 * <p>A plain record of numbers, strings, lists and nested records: it serialises to JSON with Jackson as
 * is, never containing NaN or infinity; a number that is undefined is {@code null} (omitted as a field,
 * {@code null} inside the correlation matrices). Build one with {@link #builder(float[], int)}.
 *
 * <p>Thread safety: immutable and thread-safe (the nested records too).
 *
 * @param dim the number of columns
 * @param trainRows the number of real training rows
 * @param heldOutRows the number of real held-out rows, or {@code null} when none were given
 * @param generatedRows the number of generated rows
 * @param columns one entry per column, in column order
 * @param correlations the correlation matrices and their difference
 * @param energy the standardized energy distance and its noise floor
 * @param memorisation the closest-record distances and the copying verdict
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableReport(
        int dim,
        int trainRows,
        Integer heldOutRows,
        int generatedRows,
        List<Column> columns,
        Correlations correlations,
        Energy energy,
        Memorisation memorisation) {

    /** Default number of fresh half/half splits for the energy distance's noise floor. */
    public static final int DEFAULT_FLOOR_REPEATS = 5;

    /**
     * The memorisation verdict's threshold on {@link Memorisation#fractionBelowHeldOutP5()}: copying is
     * flagged when more than this fraction of the generated rows lie closer to a training row than the
     * 5th percentile of the held-out rows' distances.
     *
     * <p>Why 0.2: held-out rows are fresh draws from the real distribution, so a generator that does not
     * copy puts about 5% of its rows below that percentile; with {@code h} held-out rows the percentile's
     * own coverage wobbles by about {@code sqrt(0.05 * 0.95 / h)}, 0.015 at 200 rows and 0.022 at 100,
     * so 0.2 is many standard errors above what an honest generator scores. A generator that returns a
     * fraction {@code c} of training rows (nearly) verbatim scores about {@code c + 0.05 (1 - c)}, so the
     * flag is raised once roughly a sixth of its rows are copies. With only a few dozen held-out rows
     * the check is rough.
     */
    public static final double MEMORISATION_THRESHOLD = 0.2;

    /**
     * Per-coordinate tolerance of an exact copy, relative to the values' size plus the training column's
     * standard deviation: float32 rounding (about 6e-8 relative) with room for a few conversions.
     */
    static final double COPY_TOLERANCE = 1e-6;

    /** Checks and copies the components. */
    public TableReport {
        columns = List.copyOf(columns);
        Objects.requireNonNull(correlations, "correlations");
        Objects.requireNonNull(energy, "energy");
        Objects.requireNonNull(memorisation, "memorisation");
    }

    /**
     * One column's marginal statistics, real (training) against generated.
     *
     * @param name the column's name
     * @param realMean the mean of the training column
     * @param generatedMean the mean of the generated column
     * @param realStd the sample standard deviation ({@code n - 1}) of the training column
     * @param generatedStd the sample standard deviation of the generated column
     * @param stdRatio {@code generatedStd / realStd}, or {@code null} when the training column is constant
     * @param ksStatistic the two-sample Kolmogorov-Smirnov statistic {@code D = sup |F_real - F_generated|}
     *     between the training and the generated column, see {@link KolmogorovSmirnov#statistic}
     * @param ksPValue its asymptotic p-value, see {@link KolmogorovSmirnov#pValue}; with thousands of rows
     *     even a tiny, harmless difference gives a small p-value, so read {@code D} first
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, double realMean, double generatedMean, double realStd, double generatedStd,
            Double stdRatio, double ksStatistic, double ksPValue) {
        /** Checks the name. */
        public Column {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The Pearson correlation matrices {@code r_ij = cov(x_i, x_j) / (sd(x_i) sd(x_j))} of the training
     * rows and of the generated rows, {@code dim x dim}, in column order. An entry is {@code null} where it
     * is undefined: in a row or column of a constant column of that table (the diagonal of a constant
     * column included).
     *
     * @param real the training rows' matrix
     * @param generated the generated rows' matrix
     * @param maxAbsDifference {@code max |generated_ij - real_ij|} over the pairs {@code i < j} defined in
     *     both, or {@code null} if there is no such pair
     * @param meanAbsDifference the mean of {@code |generated_ij - real_ij|} over the same pairs, or
     *     {@code null}
     * @param pairs the number of those pairs (at most {@code dim (dim - 1) / 2})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Correlations(List<List<Double>> real, List<List<Double>> generated, Double maxAbsDifference,
            Double meanAbsDifference, int pairs) {

        /** Copies the matrices (their rows may hold {@code null}). */
        public Correlations {
            real = copy(real);
            generated = copy(generated);
        }

        private static List<List<Double>> copy(List<List<Double>> m) {
            List<List<Double>> out = new ArrayList<>(m.size());
            for (List<Double> row : m) {
                out.add(Collections.unmodifiableList(new ArrayList<>(row)));
            }
            return Collections.unmodifiableList(out);
        }

        /** @return the training rows' matrix as a fresh array, NaN where undefined */
        public double[][] realMatrix() {
            return array(real);
        }

        /** @return the generated rows' matrix as a fresh array, NaN where undefined */
        public double[][] generatedMatrix() {
            return array(generated);
        }

        /** @return {@code generated_ij - real_ij} as a fresh array (e.g. for a heat map), NaN where undefined */
        public double[][] differenceMatrix() {
            double[][] g = generatedMatrix();
            double[][] r = realMatrix();
            for (int i = 0; i < g.length; i++) {
                for (int j = 0; j < g.length; j++) {
                    g[i][j] -= r[i][j];
                }
            }
            return g;
        }

        private static double[][] array(List<List<Double>> m) {
            double[][] out = new double[m.size()][m.size()];
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < out.length; j++) {
                    Double v = m.get(i).get(j);
                    out[i][j] = v == null ? Double.NaN : v;
                }
            }
            return out;
        }
    }

    /**
     * The energy distance {@code D^2 = 2 E|X - Y| - E|X - X'| - E|Y - Y'|} (see {@link EnergyDistance}) in
     * standardized units, next to what two real samples of the same sizes score.
     *
     * <p>Exactly what is compared: the training rows are shuffled and cut into a reference half
     * {@code A} ({@code trainRows / 2} rows) and a spare half {@code B} (the rest). {@link #energyDistance}
     * compares {@code sampleRows} generated rows with {@code A}; each floor repeat shuffles the training
     * rows afresh and compares {@code sampleRows} rows of its {@code B} with its {@code A}. Both sides
     * therefore have the same sizes ({@code sampleRows} against {@code referenceRows}), so the V-statistic's
     * small-sample bias is the same on both and the ratio is fair. {@code sampleRows} is the number of
     * generated rows, or {@code B}'s size if that is smaller, in which case a random subset of the generated
     * rows is used.
     *
     * @param columns the columns used (those not constant in the training table)
     * @param referenceRows the rows of the reference half {@code A}
     * @param sampleRows the rows compared with it, on both sides
     * @param energyDistance {@code D^2(generated, A)}
     * @param floor {@code D^2(B, A)} over fresh splits: what a generator that draws new real rows scores
     * @param ratio {@code energyDistance / floor.mean}: about 1 for a generator as good as new real rows,
     *     or {@code null} if the floor's mean is 0
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Energy(List<String> columns, int referenceRows, int sampleRows, double energyDistance,
            QualityReport.NoiseFloor floor, Double ratio) {
        /** Copies the list. */
        public Energy {
            columns = List.copyOf(columns);
            Objects.requireNonNull(floor, "floor");
        }
    }

    /**
     * A summary of distances to the closest record.
     *
     * @param median the median distance
     * @param p5 the 5th percentile (linear interpolation between order statistics)
     * @param min the smallest distance
     */
    public record Dcr(double median, double p5, double min) {
    }

    /**
     * The memorisation check: distances to the closest record (DCR), in standardized units, from each
     * generated row to its nearest training row, and from each held-out row to its nearest training row.
     * A generator that copies training rows puts its rows much closer to the training rows than new real
     * rows lie; one that does not copy looks like the held-out rows.
     *
     * @param generated the generated rows' DCRs
     * @param heldOut the held-out rows' DCRs, or {@code null} without held-out rows
     * @param fractionBelowHeldOutP5 the fraction of generated rows whose DCR is strictly below
     *     {@code heldOut.p5}: about 0.05 for a generator that does not copy, near 1 for one that does; or
     *     {@code null} without held-out rows. If 5% of the held-out rows duplicate a training row,
     *     {@code heldOut.p5} is 0 and nothing can fall below it: the data's own duplicates hide copying
     * @param medianRatio {@code generated.median / heldOut.median}: near 1 without copying, well below 1
     *     with; {@code null} without held-out rows or if the held-out median is 0
     * @param exactCopies the number of generated rows equal to a training row in every column up to float
     *     rounding ({@code |g - t| <= 1e-6 (max(|g|, |t|) + sd)} per column, sd the training column's)
     * @param threshold {@link TableReport#MEMORISATION_THRESHOLD}
     * @param flagged whether {@code fractionBelowHeldOutP5 > threshold}, or {@code null} without held-out
     *     rows
     * @param verdict the one-line verdict, as printed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memorisation(Dcr generated, Dcr heldOut, Double fractionBelowHeldOutP5, Double medianRatio,
            int exactCopies, double threshold, Boolean flagged, String verdict) {
        /** Checks the required components. */
        public Memorisation {
            Objects.requireNonNull(generated, "generated");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /**
     * @param train the real training rows, row-major {@code rows x dim}, at least 4 rows, all finite
     * @param dim the number of columns, {@code >= 1}
     * @return a builder; give it the generated rows before {@link Builder#build}
     */
    public static Builder builder(float[] train, int dim) {
        return new Builder(train, dim);
    }

    /**
     * @return a compact console summary: a header, a per-column table with aligned columns, then the
     *     correlation, energy and closest-record numbers, then the one-line memorisation verdict
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%d training, %s, %d generated rows; %d columns", trainRows,
                heldOutRows == null ? "no held-out" : heldOutRows + " held-out", generatedRows, dim));
        int w = "column".length();
        for (Column c : columns) {
            w = Math.max(w, c.name().length());
        }
        String head = "%-" + w + "s %11s %11s %11s %11s %9s %7s %8s";
        out.add(String.format(Locale.ROOT, head, "column", "real mean", "gen mean", "real std", "gen std",
                "std ratio", "KS D", "KS p"));
        String row = "%-" + w + "s %11.4g %11.4g %11.4g %11.4g %9s %7.4f %8.2g";
        for (Column c : columns) {
            out.add(String.format(Locale.ROOT, row, c.name(), c.realMean(), c.generatedMean(), c.realStd(),
                    c.generatedStd(), c.stdRatio() == null ? "-" : String.format(Locale.ROOT, "%.3f", c.stdRatio()),
                    c.ksStatistic(), c.ksPValue()));
        }
        out.add(correlations.pairs() == 0 ? "correlations: no pair of non-constant columns"
                : String.format(Locale.ROOT, "correlations: max |gen - real| %.3f, mean %.3f over %d pair%s",
                        correlations.maxAbsDifference(), correlations.meanAbsDifference(), correlations.pairs(),
                        correlations.pairs() == 1 ? "" : "s"));
        QualityReport.NoiseFloor f = energy.floor();
        out.add(String.format(Locale.ROOT,
                "energy distance (standardized, %d columns) %.4g vs noise floor %.3g +- %.2g (%s; %d vs %d rows)",
                energy.columns().size(), energy.energyDistance(), f.mean(), f.sd(),
                energy.ratio() == null ? "ratio undefined" : String.format(Locale.ROOT, "ratio %.2f", energy.ratio()),
                energy.sampleRows(), energy.referenceRows()));
        Dcr g = memorisation.generated();
        Dcr h = memorisation.heldOut();
        out.add(String.format(Locale.ROOT, "closest-record distance: generated median %.3g, 5th pct %.3g%s",
                g.median(), g.p5(), h == null ? ""
                        : String.format(Locale.ROOT, "; held-out median %.3g, 5th pct %.3g%s", h.median(), h.p5(),
                                memorisation.medianRatio() == null ? ""
                                        : String.format(Locale.ROOT, "; ratio %.2f", memorisation.medianRatio()))));
        out.add(memorisation.verdict());
        return out;
    }

    /**
     * Collects the inputs for a {@link TableReport} and computes it.
     *
     * <p>Random streams (each an {@link Rng#split(String)} of the generator given to {@link #build}):
     * {@code "reference"} for the split whose half {@code A} the generated rows are compared with,
     * {@code "sample"} for the subset of generated rows when there are more than the spare half holds,
     * {@code "floor"} (split once more per repeat) for the floor's fresh splits. The same inputs and
     * generator give the same report.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final float[] train;
        private final int dim;
        private List<String> names;
        private float[] heldOut;
        private float[] generated;
        private int floorRepeats = DEFAULT_FLOOR_REPEATS;

        private Builder(float[] train, int dim) {
            if (dim < 1) {
                throw new IllegalArgumentException("dim must be >= 1, got " + dim);
            }
            this.dim = dim;
            this.train = checked(train, "training", 4, dim);
            this.names = defaultNames(dim);
        }

        /**
         * @param columnNames one name per column, or an empty list for {@code c1, c2, ...}
         * @return this builder
         */
        public Builder columnNames(List<String> columnNames) {
            List<String> copy = List.copyOf(columnNames);
            if (copy.isEmpty()) {
                this.names = defaultNames(dim);
            } else if (copy.size() != dim) {
                throw new ConfigurationException("column names: expected " + dim + " (one per column), got "
                        + copy.size() + " " + copy + "; pass one name per column or an empty list");
            } else {
                this.names = copy;
            }
            return this;
        }

        /**
         * @param rows real rows kept out of training, row-major {@code rows x dim}, at least 2 rows, all
         *     finite; without them the memorisation check reports generated distances only
         * @return this builder
         */
        public Builder heldOut(float[] rows) {
            this.heldOut = checked(rows, "held-out", 2, dim);
            return this;
        }

        /**
         * @param rows the generated rows, row-major {@code rows x dim}, at least 2 rows, all finite
         * @return this builder
         */
        public Builder generated(float[] rows) {
            this.generated = checked(rows, "generated", 2, dim);
            return this;
        }

        /**
         * @param repeats fresh half/half splits for the energy distance's noise floor, {@code >= 2};
         *     default 5
         * @return this builder
         */
        public Builder floorRepeats(int repeats) {
            if (repeats < 2) {
                throw new ConfigurationException("floor repeats must be >= 2 (a mean and an sd), got " + repeats);
            }
            this.floorRepeats = repeats;
            return this;
        }

        /**
         * Computes every metric.
         *
         * @param rng the generator for the random splits; only its splits are used, so it is not advanced
         * @return the report
         */
        public TableReport build(Rng rng) {
            Objects.requireNonNull(rng, "rng");
            if (generated == null) {
                throw new IllegalStateException("no generated rows: call generated(rows) before build");
            }
            int nTrain = train.length / dim;
            int nGen = generated.length / dim;
            double[][] realCols = columnsOf(train, dim);
            double[][] genCols = columnsOf(generated, dim);

            double[] mean = new double[dim];
            double[] sd = new double[dim];
            boolean[] constant = new boolean[dim];
            List<Column> columns = new ArrayList<>(dim);
            for (int d = 0; d < dim; d++) {
                Moments r = moments(realCols[d]);
                Moments g = moments(genCols[d]);
                mean[d] = r.mean();
                sd[d] = r.sd();
                constant[d] = isConstant(realCols[d]);
                double ks = KolmogorovSmirnov.statistic(realCols[d], genCols[d]);
                double genSd = isConstant(genCols[d]) ? 0 : g.sd();
                columns.add(new Column(names.get(d), r.mean(), g.mean(), constant[d] ? 0 : sd[d], genSd,
                        constant[d] ? null : genSd / sd[d], ks, KolmogorovSmirnov.pValue(ks, nTrain, nGen)));
            }

            Correlations correlations = correlations(realCols, genCols);

            int[] kept = kept(constant);
            if (kept.length == 0) {
                throw new DataException("every column of the training table is constant; there is nothing to"
                        + " compare in standardized units. Check that the right file and columns were read");
            }
            List<String> keptNames = new ArrayList<>();
            for (int d : kept) {
                keptNames.add(names.get(d));
            }
            double[] trainZ = standardized(train, kept, mean, sd);
            double[] genZ = standardized(generated, kept, mean, sd);
            Energy energy = energy(trainZ, genZ, kept.length, keptNames, rng);
            double[] heldZ = heldOut == null ? null : standardized(heldOut, kept, mean, sd);
            Memorisation memorisation = memorisation(trainZ, genZ, heldZ, kept.length, sd);
            return new TableReport(dim, nTrain, heldOut == null ? null : heldOut.length / dim, nGen, columns,
                    correlations, energy, memorisation);
        }

        private Energy energy(double[] trainZ, double[] genZ, int k, List<String> keptNames, Rng rng) {
            int nTrain = trainZ.length / k;
            int nGen = genZ.length / k;
            int half = nTrain / 2;
            int sampleRows = Math.min(nGen, nTrain - half);
            float[] trainF = toFloat(trainZ);
            float[][] ab = split(trainF, k, rng.split("reference"));
            float[] sample = toFloat(genZ);
            if (sampleRows < nGen) {
                sample = Arrays.copyOf(shuffled(sample, k, rng.split("sample")), sampleRows * k);
            }
            double ed = new EnergyDistance(ab[0], k).distance(sample);
            Rng floorRng = rng.split("floor");
            Moments fm = new Moments();
            List<Double> repeats = new ArrayList<>(floorRepeats);
            for (int r = 0; r < floorRepeats; r++) {
                float[][] halves = split(trainF, k, floorRng.split(r));
                double v = new EnergyDistance(halves[0], k).distance(Arrays.copyOf(halves[1], sampleRows * k));
                repeats.add(v);
                fm.add(v);
            }
            QualityReport.NoiseFloor floor = new QualityReport.NoiseFloor(fm.mean(), fm.sd(), repeats);
            return new Energy(keptNames, half, sampleRows, ed, floor, fm.mean() > 0 ? ed / fm.mean() : null);
        }

        private Memorisation memorisation(double[] trainZ, double[] genZ, double[] heldZ, int k, double[] sd) {
            ClosestRecords nn = new ClosestRecords(trainZ, k);
            ClosestRecords.Result gen = nn.nearest(genZ);
            int copies = 0;
            for (int q = 0; q < gen.index().length; q++) {
                if (isCopy(generated, q, train, gen.index()[q], sd)) {
                    copies++;
                }
            }
            Dcr g = dcr(gen.distance());
            String copyNote = String.format(Locale.ROOT, "%d exact cop%s of training rows", copies,
                    copies == 1 ? "y" : "ies");
            if (heldZ == null) {
                return new Memorisation(g, null, null, null, copies, MEMORISATION_THRESHOLD, null,
                        "memorisation: not assessed without held-out rows; pass real rows kept out of training"
                                + " (--validation) to compare with; " + copyNote);
            }
            double[] held = nn.nearest(heldZ).distance();
            Dcr h = dcr(held);
            int below = 0;
            for (double v : gen.distance()) {
                if (v < h.p5()) {
                    below++;
                }
            }
            double fraction = (double) below / gen.distance().length;
            Double ratio = h.median() > 0 ? g.median() / h.median() : null;
            boolean flagged = fraction > MEMORISATION_THRESHOLD;
            String verdict = flagged
                    ? String.format(Locale.ROOT, "memorisation: FLAGGED, %.1f%% of generated rows are closer to a"
                            + " training row than 95%% of held-out rows are (threshold %.0f%%, honest ~5%%); %s",
                            100 * fraction, 100 * MEMORISATION_THRESHOLD, copyNote)
                    : String.format(Locale.ROOT, "memorisation: no sign of copying, %.1f%% of generated rows are"
                            + " closer to a training row than 95%% of held-out rows are (threshold %.0f%%,"
                            + " honest ~5%%); %s", 100 * fraction, 100 * MEMORISATION_THRESHOLD, copyNote);
            return new Memorisation(g, h, fraction, ratio, copies, MEMORISATION_THRESHOLD, flagged, verdict);
        }

        private boolean isCopy(float[] a, int i, float[] b, int j, double[] sd) {
            for (int d = 0; d < dim; d++) {
                double x = a[i * dim + d];
                double y = b[j * dim + d];
                double scale = Math.max(Math.abs(x), Math.abs(y)) + sd[d];
                if (Math.abs(x - y) > COPY_TOLERANCE * scale) {
                    return false;
                }
            }
            return true;
        }

        private Correlations correlations(double[][] realCols, double[][] genCols) {
            Double[][] r = pearson(realCols);
            Double[][] g = pearson(genCols);
            double max = 0;
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < dim; i++) {
                for (int j = i + 1; j < dim; j++) {
                    if (r[i][j] != null && g[i][j] != null) {
                        double diff = Math.abs(g[i][j] - r[i][j]);
                        max = Math.max(max, diff);
                        sum += diff;
                        pairs++;
                    }
                }
            }
            return new Correlations(rows(r), rows(g), pairs == 0 ? null : max, pairs == 0 ? null : sum / pairs,
                    pairs);
        }

        private static Double[][] pearson(double[][] cols) {
            int dim = cols.length;
            int n = cols[0].length;
            double[][] c = new double[dim][];
            double[] norm = new double[dim];
            boolean[] constant = new boolean[dim];
            for (int d = 0; d < dim; d++) {
                constant[d] = isConstant(cols[d]);
                double m = moments(cols[d]).mean();
                c[d] = new double[n];
                double s = 0;
                for (int i = 0; i < n; i++) {
                    c[d][i] = cols[d][i] - m;
                    s += c[d][i] * c[d][i];
                }
                norm[d] = Math.sqrt(s);
            }
            Double[][] out = new Double[dim][dim];
            for (int a = 0; a < dim; a++) {
                if (constant[a]) {
                    continue;
                }
                out[a][a] = 1.0;
                for (int b = a + 1; b < dim; b++) {
                    if (constant[b]) {
                        continue;
                    }
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += c[a][i] * c[b][i];
                    }
                    double rho = Math.max(-1, Math.min(1, s / (norm[a] * norm[b])));
                    out[a][b] = rho;
                    out[b][a] = rho;
                }
            }
            return out;
        }

        private static List<List<Double>> rows(Double[][] m) {
            List<List<Double>> out = new ArrayList<>(m.length);
            for (Double[] row : m) {
                out.add(Arrays.asList(row));
            }
            return out;
        }

        private static Dcr dcr(double[] distances) {
            double[] s = distances.clone();
            Arrays.sort(s);
            return new Dcr(percentile(s, 0.5), percentile(s, 0.05), s[0]);
        }

        /** Linear interpolation between order statistics of a sorted array (position {@code (n - 1) p}). */
        static double percentile(double[] sorted, double p) {
            double h = (sorted.length - 1) * p;
            int lo = (int) Math.floor(h);
            int hi = Math.min(sorted.length - 1, lo + 1);
            return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
        }

        private static int[] kept(boolean[] constant) {
            return IntStream.range(0, constant.length).filter(d -> !constant[d]).toArray();
        }

        private double[] standardized(float[] rows, int[] kept, double[] mean, double[] sd) {
            int n = rows.length / dim;
            int k = kept.length;
            double[] out = new double[n * k];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    int d = kept[c];
                    out[i * k + c] = (rows[i * dim + d] - mean[d]) / sd[d];
                }
            }
            return out;
        }

        private static float[] toFloat(double[] v) {
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (float) v[i];
            }
            return out;
        }

        /** @return the rows in a random order, cut into a first half of {@code rows / 2} rows and the rest */
        private static float[][] split(float[] points, int k, Rng rng) {
            float[] s = shuffled(points, k, rng);
            int rows = points.length / k;
            int half = rows / 2;
            return new float[][] {Arrays.copyOf(s, half * k), Arrays.copyOfRange(s, half * k, rows * k)};
        }

        /** @return a copy of the rows in a uniformly random order (Fisher-Yates) */
        private static float[] shuffled(float[] points, int k, Rng rng) {
            int rows = points.length / k;
            int[] order = rng.permutation(rows);
            float[] out = new float[points.length];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(points, order[i] * k, out, i * k, k);
            }
            return out;
        }

        private static double[][] columnsOf(float[] rows, int dim) {
            int n = rows.length / dim;
            double[][] c = new double[dim][n];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dim; d++) {
                    c[d][i] = rows[i * dim + d];
                }
            }
            return c;
        }

        private static Moments moments(double[] v) {
            Moments m = new Moments();
            for (double x : v) {
                m.add(x);
            }
            return m;
        }

        /** Exactly constant: every value equal, so no scale, std ratio or correlation is defined. */
        private static boolean isConstant(double[] v) {
            for (double x : v) {
                if (x != v[0]) {
                    return false;
                }
            }
            return true;
        }

        private static List<String> defaultNames(int dim) {
            List<String> out = new ArrayList<>(dim);
            for (int d = 1; d <= dim; d++) {
                out.add("c" + d);
            }
            return List.copyOf(out);
        }

        private static float[] checked(float[] rows, String what, int minRows, int dim) {
            Objects.requireNonNull(rows, what + " rows");
            if (rows.length % dim != 0) {
                throw new IllegalArgumentException(what + " rows must hold a multiple of dim = " + dim + " values, got "
                        + rows.length + "; every table must have the same " + dim + " columns");
            }
            if (rows.length / dim < minRows) {
                throw new DataException(what + " table has " + rows.length / dim + " rows; the table report needs at"
                        + " least " + minRows);
            }
            for (int i = 0; i < rows.length; i++) {
                if (!Float.isFinite(rows[i])) {
                    throw new DataException(what + " row " + (i / dim + 1) + ", column " + (i % dim + 1) + " is "
                            + rows[i] + "; drop or impute missing values (and for generated rows, check that"
                            + " sampling did not diverge: more solver steps or retrain)");
                }
            }
            return rows.clone();
        }
    }
}
