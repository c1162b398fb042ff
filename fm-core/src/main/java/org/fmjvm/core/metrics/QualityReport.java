package org.fmjvm.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.GaussianMixture;

/**
 * How close generated samples are to a target data set, defined exactly as in the reference script:
 * energy distance and sliced W2 against a fresh target draw, each next to its noise floor (the same
 * metric between two independent target draws of the generated size), and, where the target has a
 * density, the mean log density of the generated samples next to the target's own (minus its
 * entropy), and, for Gaussian mixtures, the fraction of points nearest each mode.
 *
 * <p><b>A finite target</b> (a {@link CsvDataset}, the empirical distribution of a table's rows) is
 * not sampled with replacement here, which would put the same rows in the reference set and in the
 * floor draws and make the floor look better than any sampler can be. Instead its rows are split at
 * random into two halves: the generated samples are compared with the first half, and each floor
 * repeat compares {@code min(n, rows - rows / 2)} rows of the second half (drawn without replacement)
 * with the first half of a fresh split. A floor from fewer rows than {@code n} is a little higher
 * than it would be at {@code n} rows; {@link #floorSize()} says how many were used.
 *
 * <p>A plain record of numbers, lists and nested records: it serialises to JSON with Jackson as is
 * (components not applicable to a data set are {@code null} and omitted), never containing NaN or
 * infinity. Build one with {@link #builder(Dataset, float[])}.
 *
 * <p>Thread safety: immutable and thread-safe (the nested records too).
 *
 * @param dataset the target's name
 * @param dim the dimension of the points
 * @param generated the number of generated samples
 * @param reference the number of target samples they are compared with
 * @param floorSize the number of target samples in each noise-floor draw: {@code generated}, or fewer
 *     for a finite target with fewer spare rows
 * @param energyDistance {@code D^2(generated, reference)}, see {@link EnergyDistance}
 * @param energyDistanceFloor the same metric between an independent target draw of the generated
 *     size and the reference set, over a few repeats
 * @param slicedW2 {@code SW2(generated, reference)}, see {@link SlicedWasserstein}
 * @param slicedW2Floor its noise floor, over the same repeats and the same directions
 * @param projections the number of sliced-W2 directions
 * @param logDensity the mean log densities, or {@code null} when the target has no closed-form density
 * @param modes the mode fractions, or {@code null} when the target is not a Gaussian mixture
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QualityReport(
        String dataset,
        int dim,
        int generated,
        int reference,
        int floorSize,
        double energyDistance,
        NoiseFloor energyDistanceFloor,
        double slicedW2,
        NoiseFloor slicedW2Floor,
        int projections,
        LogDensityReport logDensity,
        ModeReport modes) {

    /** Default number of independent target/target pairs for the noise floor (the reference's 5). */
    public static final int DEFAULT_FLOOR_REPEATS = 5;
    /** Default number of fresh target samples for the target's mean log density (the reference's). */
    public static final int DEFAULT_ENTROPY_SAMPLES = 100_000;

    /** Checks the required components. */
    public QualityReport {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(energyDistanceFloor, "energyDistanceFloor");
        Objects.requireNonNull(slicedW2Floor, "slicedW2Floor");
    }

    /**
     * A metric's value between two independent target draws: what a perfect sampler would score.
     *
     * @param mean the mean over the repeats
     * @param sd the sample standard deviation over the repeats (unbiased, {@code n - 1})
     * @param repeats each repeat's value
     */
    public record NoiseFloor(double mean, double sd, List<Double> repeats) {
        /** Copies the list. */
        public NoiseFloor {
            repeats = List.copyOf(repeats);
        }
    }

    /**
     * Mean log density {@code log q} (nats) under the target's exact density.
     *
     * @param generatedMean the mean of {@code log q} over the generated samples inside the support, or
     *     {@code null} if none is inside; the reference's "mean -log q" is minus this
     * @param generatedSe its standard error ({@code sd / sqrt(count)}), or {@code null} below two points
     * @param generatedOutsideSupport the fraction of generated samples where {@code q = 0} (left out of
     *     the mean); 0 for densities that are positive everywhere
     * @param targetMean the mean of {@code log q} over a fresh target draw: a Monte Carlo estimate of
     *     minus the entropy
     * @param targetSe its standard error
     * @param targetSamples the size of that draw
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogDensityReport(Double generatedMean, Double generatedSe, double generatedOutsideSupport,
            double targetMean, double targetSe, int targetSamples) {

        /** @return the target's entropy estimate in nats, {@code -targetMean} */
        public double entropy() {
            return -targetMean;
        }
    }

    /**
     * Fractions of points whose nearest mixture mean is mode {@code k}, in component order.
     *
     * @param generated the generated samples' fractions
     * @param reference the fresh target draw's fractions
     * @param weights the mixture's weights, what both should approach
     * @param maxAbsError {@code max_k |generated_k - weights_k|}
     */
    public record ModeReport(List<Double> generated, List<Double> reference, List<Double> weights,
            double maxAbsError) {
        /** Copies the lists. */
        public ModeReport {
            generated = List.copyOf(generated);
            reference = List.copyOf(reference);
            weights = List.copyOf(weights);
        }
    }

    /**
     * @param target the data set the samples should come from
     * @param generated the generated samples, row-major {@code n x target.dim()}, all finite
     * @return a builder with the reference script's defaults
     */
    public static Builder builder(Dataset target, float[] generated) {
        return new Builder(target, generated);
    }

    /** @return a few human-readable lines, e.g. {@code energy distance 0.0093 (noise floor ...)} */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%d generated vs %d target samples of %s%s", generated, reference, dataset,
                floorSize == generated ? "" : String.format(Locale.ROOT, " (noise floors from %d-row draws)", floorSize)));
        out.add(String.format(Locale.ROOT, "energy distance %.4g (noise floor %.2g +- %.1g over %d pairs)",
                energyDistance, energyDistanceFloor.mean(), energyDistanceFloor.sd(),
                energyDistanceFloor.repeats().size()));
        out.add(String.format(Locale.ROOT, "sliced W2 %.4g (noise floor %.3g +- %.1g, %d directions)",
                slicedW2, slicedW2Floor.mean(), slicedW2Floor.sd(), projections));
        if (logDensity != null) {
            String gen = logDensity.generatedMean() == null ? "undefined (no sample inside the support)"
                    : String.format(Locale.ROOT, "%.4g", -logDensity.generatedMean());
            out.add(String.format(Locale.ROOT, "generated samples' mean -log q %s vs the entropy %.4g +- %.1g%s", gen,
                    logDensity.entropy(), logDensity.targetSe(), logDensity.generatedOutsideSupport() > 0
                            ? String.format(Locale.ROOT, " (%.2f%% of samples outside the support)",
                                    100 * logDensity.generatedOutsideSupport())
                            : ""));
        }
        if (modes != null) {
            StringBuilder sb = new StringBuilder("mode fractions ");
            for (int k = 0; k < modes.generated().size(); k++) {
                sb.append(k > 0 ? " / " : "").append(String.format(Locale.ROOT, "%.3f", modes.generated().get(k)));
            }
            sb.append(String.format(Locale.ROOT, " (max error %.3f)", modes.maxAbsError()));
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * Collects the options for a {@link QualityReport} and computes it.
     *
     * <p>Random streams (each an {@link Rng#split(String)} of the generator given to {@link #build}):
     * {@code "reference"} for the reference set, {@code "projections"} for the sliced-W2 directions,
     * {@code "floor"} (split once more per repeat) for the floor draws, {@code "entropy"} for the
     * target's log-density draw. The same generator gives the same report.
     *
     * <p>Thread safety: not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final Dataset target;
        private final float[] generated;
        private final int n;
        private int referenceSize;
        private int floorRepeats = DEFAULT_FLOOR_REPEATS;
        private int projections = SlicedWasserstein.DEFAULT_PROJECTIONS;
        private int entropySamples = DEFAULT_ENTROPY_SAMPLES;

        private Builder(Dataset target, float[] generated) {
            this.target = Objects.requireNonNull(target, "target");
            this.generated = checkedSamples(target.dim(), generated).clone();
            this.n = generated.length / target.dim();
            this.referenceSize = n;
        }

        public Builder referenceSize(int size) {
            this.referenceSize = positive("reference size", size, 1);
            return this;
        }

        /**
         * @param repeats independent target/target pairs for the noise floors, {@code >= 2}; default 5
         * @return this builder
         */
        public Builder floorRepeats(int repeats) {
            this.floorRepeats = positive("floor repeats", repeats, 2);
            return this;
        }

        /**
         * @param count sliced-W2 directions, {@code >= 1}; default 256
         * @return this builder
         */
        public Builder projections(int count) {
            this.projections = positive("projections", count, 1);
            return this;
        }

        /**
         * @param count target samples for the target's mean log density, {@code >= 2}; default 100,000
         * @return this builder
         */
        public Builder entropySamples(int count) {
            this.entropySamples = positive("entropy samples", count, 2);
            return this;
        }

        private static int positive(String what, int v, int min) {
            if (v < min) {
                throw new ConfigurationException(what + " must be >= " + min + ", got " + v);
            }
            return v;
        }

        /**
         * Draws the reference set, the floor sets and the directions from {@code rng} and computes
         * every metric.
         *
         * @param rng the generator; only its splits are used, so it is not advanced
         * @return the report
         */
        public QualityReport build(Rng rng) {
            return new Scorer(target, n, referenceSize, floorRepeats, projections, entropySamples, rng)
                    .score(generated);
        }

    }

    /**
     * @param dim the target's dimension
     * @param generated samples to score
     * @return {@code generated}, checked: a positive multiple of {@code dim} values, all finite
     */
    private static float[] checkedSamples(int dim, float[] generated) {
        Objects.requireNonNull(generated, "generated");
        if (generated.length == 0 || generated.length % dim != 0) {
            throw new IllegalArgumentException("generated samples must be a positive multiple of the target's "
                    + "dimension " + dim + ", got " + generated.length + " values");
        }
        for (int i = 0; i < generated.length; i++) {
            if (!Float.isFinite(generated[i])) {
                throw new DataException("generated sample " + (i / dim + 1) + ", coordinate " + (i % dim + 1)
                        + " is " + generated[i] + ": sampling diverged; use more solver steps or retrain");
            }
        }
        return generated;
    }

    /**
     * Scores any number of generated sets of {@code n} samples against one target: the reference
     * set, the directions, the noise floors and the target's entropy estimate depend on the target
     * and the generator only, so they are drawn and computed once. {@code scorer(target, n,
     * rng).score(x)} equals {@code builder(target, x).build(rng)} with the builder's defaults.
     *
     * <p>Thread safety: immutable after construction; {@link #score} may be called from any thread.
     */
    public static final class Scorer {
        private final Dataset target;
        private final int n;
        private final int floorSize;
        private final float[] ref;
        private final int refRows;
        private final EnergyDistance ed;
        private final SlicedWasserstein sw;
        private final NoiseFloor edFloor;
        private final NoiseFloor swFloor;
        private final int projections;
        private final LogDensity density;
        private final Moments targetLogDensity;
        private final int entropySamples;

        private Scorer(Dataset target, int n, int referenceSize, int floorRepeats, int projections,
                int entropySamples, Rng rng) {
            Objects.requireNonNull(rng, "rng");
            this.target = target;
            this.n = n;
            this.projections = projections;
            this.entropySamples = entropySamples;
            int dim = target.dim();
            sw = SlicedWasserstein.random(dim, projections, rng.split("projections"));
            CsvDataset table = target instanceof CsvDataset t ? t : null;
            if (table != null) {
                int rows = table.size();
                if (rows < 4) {
                    throw new DataException("target " + table.name() + " has " + rows + " rows; comparing samples"
                            + " with a table needs at least 4 rows (half as the reference, half for the noise floor)");
                }
                ref = split(table, rng.split("reference"))[0];
                floorSize = Math.min(n, rows - rows / 2);
            } else {
                ref = target.sample(referenceSize, rng.split("reference"));
                floorSize = n;
            }
            refRows = ref.length / dim;
            ed = new EnergyDistance(ref, dim);

            Rng floorRng = rng.split("floor");
            List<Double> edValues = new ArrayList<>();
            List<Double> swValues = new ArrayList<>();
            for (int r = 0; r < floorRepeats; r++) {
                if (table != null) {
                    // a fresh split per repeat: its first half is the reference, rows of the second the draw
                    float[][] halves = split(table, floorRng.split(r));
                    float[] other = Arrays.copyOf(halves[1], floorSize * dim);
                    edValues.add(new EnergyDistance(halves[0], dim).distance(other));
                    swValues.add(sw.distance(other, halves[0]));
                } else {
                    float[] other = target.sample(n, floorRng.split(r));
                    edValues.add(ed.distance(other));
                    swValues.add(sw.distance(other, ref));
                }
            }
            edFloor = floor(edValues);
            swFloor = floor(swValues);

            density = target.logDensity().orElse(null);
            if (density != null) {
                float[] fresh = target.sample(entropySamples, rng.split("entropy"));
                targetLogDensity = new Moments();
                for (int i = 0; i < entropySamples; i++) {
                    targetLogDensity.add(density.at(fresh, i));
                }
            } else {
                targetLogDensity = null;
            }
        }

        /**
         * @param generated {@code n} generated samples, row-major, finite
         * @return every metric of these samples
         */
        public QualityReport score(float[] generated) {
            int dim = target.dim();
            checkedSamples(dim, generated);
            if (generated.length != (long) n * dim) {
                throw new IllegalArgumentException("this scorer takes " + n + " samples of dimension " + dim + ", got "
                        + generated.length + " values");
            }
            LogDensityReport ld = null;
            if (density != null) {
                Moments gen = new Moments();
                int outside = 0;
                for (int i = 0; i < n; i++) {
                    double v = density.at(generated, i);
                    if (v == Double.NEGATIVE_INFINITY) {
                        outside++;
                    } else {
                        gen.add(v);
                    }
                }
                ld = new LogDensityReport(gen.count() > 0 ? gen.mean() : null,
                        gen.count() > 1 ? gen.standardError() : null, (double) outside / n, targetLogDensity.mean(),
                        targetLogDensity.standardError(), entropySamples);
            }
            ModeReport modes = null;
            if (target instanceof GaussianMixture gm) {
                double[] g = gm.modeFractions(generated, n);
                double[] w = gm.weights();
                double maxErr = 0;
                for (int k = 0; k < g.length; k++) {
                    maxErr = Math.max(maxErr, Math.abs(g[k] - w[k]));
                }
                modes = new ModeReport(boxed(g), boxed(gm.modeFractions(ref, refRows)), boxed(w), maxErr);
            }
            return new QualityReport(target.name(), dim, n, refRows, floorSize, ed.distance(generated), edFloor,
                    sw.distance(generated, ref), swFloor, projections, ld, modes);
        }

        /**
         * @return the table's rows in a random order, cut into a first half of {@code rows / 2} rows
         *     and a second half of the rest
         */
        private static float[][] split(CsvDataset table, Rng rng) {
            int rows = table.size();
            int dim = table.dim();
            float[] points = table.points();
            int[] order = rng.permutation(rows);
            int half = rows / 2;
            float[][] out = {new float[half * dim], new float[(rows - half) * dim]};
            for (int i = 0; i < rows; i++) {
                float[] dst = i < half ? out[0] : out[1];
                System.arraycopy(points, order[i] * dim, dst, (i < half ? i : i - half) * dim, dim);
            }
            return out;
        }

        private static NoiseFloor floor(List<Double> values) {
            Moments m = new Moments();
            values.forEach(m::add);
            return new NoiseFloor(m.mean(), m.sd(), values);
        }

        private static List<Double> boxed(double[] a) {
            List<Double> out = new ArrayList<>(a.length);
            for (double v : a) {
                out.add(v);
            }
            return out;
        }
    }

    /**
     * A scorer with the builder's defaults: {@code n} reference samples, {@value #DEFAULT_FLOOR_REPEATS}
     * floor repeats, the default directions and entropy samples.
     *
     * @param target the target data set
     * @param n the number of samples each scored set will have
     * @param rng the generator; only its splits are used
     * @return the scorer
     */
    public static Scorer scorer(Dataset target, int n, Rng rng) {
        Objects.requireNonNull(target, "target");
        if (n < 1) {
            throw new IllegalArgumentException("a scorer needs n >= 1 samples, got " + n);
        }
        return new Scorer(target, n, n, DEFAULT_FLOOR_REPEATS, SlicedWasserstein.DEFAULT_PROJECTIONS,
                DEFAULT_ENTROPY_SAMPLES, rng);
    }
}
