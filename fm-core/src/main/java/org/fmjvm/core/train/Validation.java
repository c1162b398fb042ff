package org.fmjvm.core.train;

import java.util.Objects;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.likelihood.Likelihood;

/**
 * What a training run evaluates on rows it does not train on, and how often: the CFM loss on the
 * held-out rows and on a subset of the training rows of about the same size, both on fixed draws
 * (each row is paired with the same noise and times at every evaluation, {@link #MIN_PAIRS} pairs
 * or more), and optionally each set's mean negative log-likelihood. Rows are in the model's
 * coordinates (after any normalisation); a normalisation's mean log-determinant per set is added so
 * the likelihoods are in the data's units.
 *
 * <p>Immutable and thread-safe; the arrays are copied.
 */
public final class Validation {

    /** The least number of (row, noise, time) pairs each loss is averaged over. */
    public static final int MIN_PAIRS = 4096;

    private final float[] heldOut;
    private final float[] train;
    private final int dim;
    private final int every;
    private final boolean keepBest;
    private final OdeSolver nllSolver;
    private final int nllSteps;
    private final int nllProbes;
    private final double heldOutLogDet;
    private final double trainLogDet;

    private Validation(float[] heldOut, float[] train, int dim, int every, boolean keepBest, OdeSolver nllSolver,
            int nllSteps, int nllProbes, double heldOutLogDet, double trainLogDet) {
        this.nllProbes = nllProbes;
        this.heldOut = heldOut;
        this.train = train;
        this.dim = dim;
        this.every = every;
        this.keepBest = keepBest;
        this.nllSolver = nllSolver;
        this.nllSteps = nllSteps;
        this.heldOutLogDet = heldOutLogDet;
        this.trainLogDet = trainLogDet;
    }

    /**
     * @param heldOut the held-out rows, row-major {@code n x dim}, {@code n >= 1}
     * @param trainSubset training rows to measure the same way, row-major {@code m x dim}, {@code m >= 1}
     * @param dim the model's dimension
     * @param every evaluate after every this many steps (and after the last), {@code >= 1}
     * @return losses only, the final weights kept
     */
    public static Validation of(float[] heldOut, float[] trainSubset, int dim, int every) {
        Objects.requireNonNull(heldOut, "heldOut");
        Objects.requireNonNull(trainSubset, "trainSubset");
        if (dim < 1) {
            throw new ConfigurationException("dimension must be >= 1, got " + dim);
        }
        if (heldOut.length == 0 || heldOut.length % dim != 0) {
            throw new ConfigurationException("held-out rows must be a non-empty row-major array of dimension " + dim
                    + ", got " + heldOut.length + " values");
        }
        if (trainSubset.length == 0 || trainSubset.length % dim != 0) {
            throw new ConfigurationException("the training subset must be a non-empty row-major array of dimension "
                    + dim + ", got " + trainSubset.length + " values");
        }
        if (every < 1) {
            throw new ConfigurationException("validation interval must be >= 1 step, got " + every);
        }
        return new Validation(heldOut.clone(), trainSubset.clone(), dim, every, false, null, 0, 0, 0, 0);
    }

    /** @return this evaluation, keeping the weights of the lowest held-out loss */
    public Validation keepingBest() {
        return new Validation(heldOut, train, dim, every, true, nllSolver, nllSteps, nllProbes, heldOutLogDet,
                trainLogDet);
    }

    /**
     * Adds each set's mean negative log-likelihood to every evaluation (see
     * {@link Likelihood}; needs a source with a density), with the exact divergence.
     *
     * @param solver the solver of the backward integration
     * @param steps its steps
     * @return this evaluation with likelihoods
     */
    public Validation withLikelihood(OdeSolver solver, int steps) {
        return withLikelihood(solver, steps, 0);
    }

    /**
     * Adds each set's mean negative log-likelihood to every evaluation, with the exact divergence
     * ({@code probes = 0}) or Hutchinson's estimate with that many Rademacher probes per row (the
     * same probes at every evaluation; see {@link Likelihood#hutchinson}), which costs
     * {@code probes} backward passes per velocity evaluation instead of one per dimension.
     *
     * @param solver the solver of the backward integration
     * @param steps its steps
     * @param probes 0 for the exact divergence, else Hutchinson's probes per row
     * @return this evaluation with likelihoods
     */
    public Validation withLikelihood(OdeSolver solver, int steps, int probes) {
        Objects.requireNonNull(solver, "solver");
        if (steps < 1) {
            throw new ConfigurationException("likelihood steps must be >= 1, got " + steps);
        }
        if (probes < 0) {
            throw new ConfigurationException("Hutchinson probes must be >= 0 (0 = exact divergence), got " + probes);
        }
        return new Validation(heldOut, train, dim, every, keepBest, solver, steps, probes, heldOutLogDet, trainLogDet);
    }

    /**
     * Mean negative log-likelihoods per row in nats, in the data's units.
     *
     * @param train over the training subset
     * @param heldOut over the held-out rows
     */
    public record Nll(double train, double heldOut) {
    }

    /**
     * The mean negative log-likelihood of both sets under a model,
     * {@code -(mean log p(z) + mean log|det dz/dx|)}, with this evaluation's solver.
     *
     * @param model the model (an inference model: its backward passes need no parameter gradients)
     * @param source the source in the model's coordinates, with a density
     * @param probes the generator of Hutchinson's probes, or {@code null} for the exact divergence
     * @return both means, or {@code null} if a mean is not finite
     * @throws IllegalStateException without {@link #withLikelihood}
     */
    public Nll nll(VelocityModel model, Dataset source, Rng probes) {
        if (nllSolver == null) {
            throw new IllegalStateException("this evaluation computes no likelihoods: use withLikelihood");
        }
        Likelihood exact = new Likelihood(model, nllSolver, source);
        Likelihood lik = probes == null ? exact : exact.hutchinson(Math.max(1, nllProbes), probes);
        double heldOutNll = -(mean(lik.logDensity(heldOut, heldOutRows(), SolveOptions.steps(nllSteps)))
                + heldOutLogDet);
        double trainNll = -(mean(lik.logDensity(train, trainRows(), SolveOptions.steps(nllSteps))) + trainLogDet);
        return Double.isFinite(heldOutNll) && Double.isFinite(trainNll) ? new Nll(trainNll, heldOutNll) : null;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /**
     * @param heldOutMeanLogDet the mean of {@code log|det dz/dx|} over the held-out rows, 0 without normalisation
     * @param trainMeanLogDet the same over the training subset
     * @return this evaluation, its likelihoods in the data's units through a normalisation with these log-determinants
     */
    public Validation withLogDetOffsets(double heldOutMeanLogDet, double trainMeanLogDet) {
        if (!Double.isFinite(heldOutMeanLogDet) || !Double.isFinite(trainMeanLogDet)) {
            throw new ConfigurationException("mean log-determinants must be finite, got " + heldOutMeanLogDet + " and "
                    + trainMeanLogDet);
        }
        return new Validation(heldOut, train, dim, every, keepBest, nllSolver, nllSteps, nllProbes, heldOutMeanLogDet,
                trainMeanLogDet);
    }

    float[] heldOut() {
        return heldOut;
    }

    float[] train() {
        return train;
    }

    /** @return the model's dimension */
    public int dim() {
        return dim;
    }

    /** @return the number of held-out rows */
    public int heldOutRows() {
        return heldOut.length / dim;
    }

    /** @return the number of training rows measured the same way */
    public int trainRows() {
        return train.length / dim;
    }

    /** @return the interval in steps */
    public int every() {
        return every;
    }

    /** @return whether the run keeps the weights of the lowest held-out loss */
    public boolean keepBest() {
        return keepBest;
    }

    /** @return whether evaluations include likelihoods */
    public boolean hasLikelihood() {
        return nllSolver != null;
    }

    /** @return 0 when evaluations use the exact divergence, else Hutchinson's probes per row */
    public int nllProbes() {
        return nllProbes;
    }

    /** @return one line for run summaries */
    public String describe() {
        return heldOutRows() + " held-out rows (and " + trainRows() + " training rows) evaluated every " + every
                + " steps" + (nllSolver != null ? ", with likelihoods (" + nllSolver.describe().split(" ")[0] + ", "
                + nllSteps + " steps, " + (nllProbes == 0 ? "exact divergence" : "Hutchinson, " + nllProbes + " probe"
                + (nllProbes == 1 ? "" : "s")) + ")" : "") + (keepBest ? ", keeping the best weights" : "");
    }
}
