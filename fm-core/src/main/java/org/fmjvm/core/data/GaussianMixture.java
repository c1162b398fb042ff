package org.fmjvm.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.random.Rng;

/**
 * A mixture of isotropic Gaussians {@code q(x) = sum_k w_k N(x; mu_k, std^2 I)} with one common
 * standard deviation, and its exact log density.
 *
 * <p>The built-in {@link #fourGaussians() four-gaussians} (the tutorial's target) and
 * {@link #eightGaussians() eight-gaussians} are instances of this class.
 *
 * <p>Sampling draws, for each point in turn, the component {@code k} ({@code rng.nextInt(K)} when
 * the weights are equal, else one {@code rng.nextDouble()} inverted through the cumulative weights),
 * then {@code dim} normals: {@code x = mu_k + std * z}.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class GaussianMixture extends AbstractDataset {

    /** One line on {@link #fourGaussians()}, without its name. */
    static final String FOUR_DESCRIPTION = "equal-weight mixture of N(mu_k, 0.5^2 I), mu_k in (-3,-3), (-3,3), (3,-3),"
            + " (3,3)";
    /** One line on {@link #eightGaussians()}, without its name. */
    static final String EIGHT_DESCRIPTION = "equal-weight mixture of N(mu_k, 0.1 I), mu_k at radius 5 on angles"
            + " 2 pi k / 8";

    private final String description;
    private final double[][] means;
    private final double std;
    private final double[] weights;
    private final double[] logWeights;
    private final double[] cumulative;
    private final boolean equalWeights;
    private final double logNormaliser;

    /**
     * @param name the stable name this mixture is known by
     * @param means the component means {@code mu_k}, all of the same dimension {@code >= 1}
     * @param std the common standard deviation per coordinate, {@code > 0}
     * @param weights the component weights {@code w_k >= 0}, not all zero, one per mean; normalised
     *     to sum to 1
     * @throws ConfigurationException if a value is out of range or the dimensions disagree
     */
    public GaussianMixture(String name, List<double[]> means, double std, double[] weights) {
        this(name, means, std, weights, null);
    }

    private GaussianMixture(String name, List<double[]> means, double std, double[] weights, String description) {
        super(Objects.requireNonNull(name, "name"), checkedDim(means, std, weights));
        int d = dim();
        int k = means.size();
        this.means = new double[k][];
        for (int i = 0; i < k; i++) {
            this.means[i] = means.get(i).clone();
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        this.std = std;
        this.weights = new double[k];
        this.logWeights = new double[k];
        this.cumulative = new double[k];
        boolean equal = true;
        double run = 0;
        for (int i = 0; i < k; i++) {
            this.weights[i] = weights[i] / total;
            this.logWeights[i] = Math.log(this.weights[i]);
            run += this.weights[i];
            this.cumulative[i] = run;
            equal &= weights[i] == weights[0];
        }
        this.cumulative[k - 1] = 1.0;
        this.equalWeights = equal;
        this.logNormaliser = -0.5 * d * Math.log(2 * Math.PI * std * std);
        this.description = description != null ? description
                : name + ": mixture of " + k + " Gaussians N(mu_k, " + std + "^2 I) in " + d + "D"
                        + (equal ? ", equal weights" : ", weights " + Arrays.toString(this.weights));
    }

    /**
     * Checks the constructor's arguments before anything is built from them.
     *
     * @return the dimension of the means
     * @throws ConfigurationException if a value is out of range or the dimensions disagree
     */
    private static int checkedDim(List<double[]> means, double std, double[] weights) {
        Objects.requireNonNull(means, "means");
        Objects.requireNonNull(weights, "weights");
        if (means.isEmpty()) {
            throw new ConfigurationException("a Gaussian mixture needs at least one mean, got none");
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new ConfigurationException("mixture standard deviation must be a finite number > 0, got " + std);
        }
        if (weights.length != means.size()) {
            throw new ConfigurationException("a Gaussian mixture needs one weight per mean: " + means.size()
                    + " means but " + weights.length + " weights");
        }
        int d = Objects.requireNonNull(means.get(0), "means[0]").length;
        if (d < 1) {
            throw new ConfigurationException("mixture means must have at least one coordinate");
        }
        int k = means.size();
        for (int i = 0; i < k; i++) {
            double[] mu = Objects.requireNonNull(means.get(i), "means[" + i + "]");
            if (mu.length != d) {
                throw new ConfigurationException("mixture mean " + i + " has " + mu.length
                        + " coordinates but mean 0 has " + d);
            }
            for (double v : mu) {
                if (!Double.isFinite(v)) {
                    throw new ConfigurationException("mixture mean " + i + " is not finite: " + Arrays.toString(mu));
                }
            }
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new ConfigurationException("mixture weights must be finite and >= 0, got "
                        + Arrays.toString(weights));
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new ConfigurationException("mixture weights must not all be zero");
        }
        return d;
    }

    /**
     * @param name the stable name
     * @param means the component means
     * @param std the common standard deviation per coordinate
     * @return the mixture with equal weights {@code 1/K}
     */
    public static GaussianMixture equalWeights(String name, List<double[]> means, double std) {
        double[] w = new double[means.size()];
        Arrays.fill(w, 1.0);
        return new GaussianMixture(name, means, std, w);
    }

    /**
     * The tutorial's target ({@value Datasets#FOUR_GAUSSIANS}): equal-weight mixture of
     * {@code N(mu_k, 0.5^2 I)} with means {@code (-3,-3), (-3,3), (3,-3), (3,3)} in this order (the
     * order of the reference script, so mode fractions compare index by index).
     *
     * @return the four-Gaussian mixture
     */
    public static GaussianMixture fourGaussians() {
        List<double[]> mu = List.of(new double[] {-3, -3}, new double[] {-3, 3}, new double[] {3, -3},
                new double[] {3, 3});
        double[] w = {1, 1, 1, 1};
        return new GaussianMixture(Datasets.FOUR_GAUSSIANS, mu, 0.5, w,
                Datasets.FOUR_GAUSSIANS + ": " + FOUR_DESCRIPTION);
    }

    /**
     * The eight-Gaussian ring ({@value Datasets#EIGHT_GAUSSIANS}): equal-weight mixture of
     * {@code N(mu_k, 0.1 I)} (variance 0.1 per coordinate) with means at radius 5 on the angles
     * {@code 2 pi k / 8}, {@code k = 0..7} in this order.
     *
     * @return the eight-Gaussian mixture
     */
    public static GaussianMixture eightGaussians() {
        List<double[]> mu = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            double a = 2 * Math.PI * k / 8;
            mu.add(new double[] {5 * Math.cos(a), 5 * Math.sin(a)});
        }
        double[] w = new double[8];
        Arrays.fill(w, 1.0);
        return new GaussianMixture(Datasets.EIGHT_GAUSSIANS, mu, Math.sqrt(0.1), w,
                Datasets.EIGHT_GAUSSIANS + ": " + EIGHT_DESCRIPTION);
    }

    /** @return the number of components {@code K} */
    public int components() {
        return means.length;
    }

    /** @return copies of the component means, in component order */
    public List<double[]> means() {
        List<double[]> out = new ArrayList<>(means.length);
        for (double[] mu : means) {
            out.add(mu.clone());
        }
        return out;
    }

    /**
     * @param k a component index
     * @return a copy of that component's mean
     */
    public double[] mean(int k) {
        return means[k].clone();
    }

    /** @return the common standard deviation per coordinate */
    public double std() {
        return std;
    }

    /** @return the normalised weights (summing to 1), in component order */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        int k = equalWeights ? rng.nextInt(means.length) : pick(rng.nextDouble());
        double[] mu = means[k];
        for (int d = 0; d < mu.length; d++) {
            out[at + d] = (float) (mu[d] + std * rng.nextGaussian());
        }
    }

    private int pick(double u) {
        for (int k = 0; k < cumulative.length; k++) {
            if (u < cumulative[k]) {
                return k;
            }
        }
        return cumulative.length - 1;
    }

    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.of(this::logDensityAt);
    }

    /**
     * The exact log density of row {@code row}: {@code logsumexp_k(log w_k + log N(x; mu_k, std^2 I))}
     * in float64 (with equal weights, {@code logsumexp_k(log N(x; mu_k, std^2 I)) - log K}, exactly as
     * the reference computes it).
     *
     * @param points row-major points of this mixture's dimension
     * @param row the row
     * @return {@code log q(x_row)} in nats
     */
    public double logDensityAt(float[] points, int row) {
        int dim = dim();
        int base = rowStart(points, row);
        double[] x = new double[dim];
        for (int d = 0; d < dim; d++) {
            x[d] = points[base + d];
        }
        return logDensity(x);
    }

    /**
     * @param x one point of this mixture's dimension
     * @return {@code log q(x)} in nats, computed as in {@link #logDensityAt(float[], int)}
     */
    public double logDensity(double[] x) {
        int dim = dim();
        if (x.length != dim) {
            throw new IllegalArgumentException("point has " + x.length + " coordinates, mixture has dimension " + dim);
        }
        int k = means.length;
        double[] comp = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double[] mu = means[c];
            double d2 = 0;
            for (int d = 0; d < dim; d++) {
                double diff = x[d] - mu[d];
                d2 += diff * diff;
            }
            comp[c] = logNormaliser - d2 / (2 * std * std) + (equalWeights ? 0 : logWeights[c]);
            max = Math.max(max, comp[c]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (double v : comp) {
            s += Math.exp(v - max);
        }
        double lse = max + Math.log(s);
        return equalWeights ? lse - Math.log(k) : lse;
    }

    /**
     * @param points row-major points of this mixture's dimension
     * @param row the row
     * @return the index of the mean nearest to row {@code row} (Euclidean; the lowest index on a tie)
     */
    public int nearestMode(float[] points, int row) {
        int dim = dim();
        int base = row * dim;
        int best = 0;
        double bestD2 = Double.POSITIVE_INFINITY;
        for (int c = 0; c < means.length; c++) {
            double d2 = 0;
            for (int d = 0; d < dim; d++) {
                double diff = (double) points[base + d] - means[c][d];
                d2 += diff * diff;
            }
            if (d2 < bestD2) {
                bestD2 = d2;
                best = c;
            }
        }
        return best;
    }

    /**
     * The fraction of points whose nearest mean is mode {@code k}, for each {@code k} in component
     * order (the reference's {@code nearest_mode_fractions}). A good sampler gives fractions close
     * to {@link #weights()}.
     *
     * @param points row-major points of this mixture's dimension
     * @param n the number of rows to use, {@code >= 1}
     * @return {@code K} fractions summing to 1
     */
    public double[] modeFractions(float[] points, int n) {
        int dim = dim();
        if (n < 1 || (long) n * dim > points.length) {
            throw new IllegalArgumentException("need 1.." + points.length / dim + " rows of dimension " + dim
                    + ", got n = " + n);
        }
        long[] counts = new long[means.length];
        for (int i = 0; i < n; i++) {
            counts[nearestMode(points, i)]++;
        }
        double[] out = new double[means.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (double) counts[c] / n;
        }
        return out;
    }

    @Override
    public String describe() {
        return description;
    }
}
