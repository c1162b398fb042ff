package org.fmjvm.core.likelihood;

import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.VelocityField;
import org.fmjvm.core.normalize.Normalizer;

/**
 * The exact log density of a flow's samples, from the continuous change of variables
 * {@code log p1(x1) = log p0(x0) - integral_0^1 div v(t, x(t)) dt}, where {@code x(t)} is the
 * trajectory through {@code x1} at {@code t = 1} and {@code x0 = x(0)} its start.
 *
 * <p>For a batch of points it integrates the augmented state {@code [x, a]} backwards from
 * {@code t = 1} to {@code t = 0} with the given solver: {@code dx/dt = v(t, x)} and
 * {@code da/dt = div v(t, x)} from {@code a(1) = 0}, so {@code a(0) = -integral_0^1 div v dt} and
 * {@code log p1(x1) = log p0(x(0)) + a(0)}. The divergence is exact
 * ({@link VelocityModel#divergence}, one backward pass per dimension). The solver's accuracy
 * decides the result's: a fixed-step solver with {@code K} steps has the error of its order in
 * {@code 1 / K}. Points are integrated in chunks of {@link #CHUNK} rows, each in its own tensor
 * scope.
 *
 * <p>{@link #logDensity(float[], int, SolveOptions)} works in the model's own coordinates;
 * {@link #logDensity(float[], int, Normalizer, SolveOptions)} takes points in the data's coordinates
 * and adds the normalisation's log-determinant.
 *
 * <p>Thread safety: a single-threaded session, like the model it uses.
 */
public final class Likelihood {

    /** Points integrated together; larger inputs are split into chunks of this many rows. */
    public static final int CHUNK = 4096;

    private final VelocityModel model;
    private final OdeSolver solver;
    private final Dataset sourceSet;
    private final LogDensity source;
    private final String sourceName;
    /** Probes per point for Hutchinson's estimator, 0 for the exact divergence. */
    private final int probes;
    private final Rng probeRng;
    private final Probe probeKind;

    /** The distribution of Hutchinson's probe vectors; both have {@code E[e e^T] = I}. */
    public enum Probe {
        /** Independent signs, +1 or -1 with equal chance: the estimator of smallest variance for a fixed Jacobian. */
        RADEMACHER,
        /** Independent standard normal coordinates. */
        GAUSSIAN;

        /** @return the lower-case name used on the command line */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param model the learned velocity field
     * @param solver the integrator for the backward solve
     * @param source the distribution at {@code t = 0}, which must have a closed-form density
     * @throws ConfigurationException if the source has no density or a dimension other than the model's
     */
    public Likelihood(VelocityModel model, OdeSolver solver, Dataset source) {
        this(model, solver, source, 0, null, Probe.RADEMACHER);
    }

    private Likelihood(VelocityModel model, OdeSolver solver, Dataset source, int probes, Rng probeRng,
            Probe probeKind) {
        this.probes = probes;
        this.probeRng = probeRng;
        this.probeKind = probeKind;
        this.model = Objects.requireNonNull(model, "model");
        this.solver = Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(source, "source");
        this.sourceSet = source;
        this.sourceName = source.name();
        this.source = source.logDensity().orElseThrow(() -> new ConfigurationException("the source " + source.name()
                + " has no closed-form density, so the flow's likelihood is not defined; train from the"
                + " standard-normal source to compute likelihoods"));
        if (source.dim() != model.spec().dim()) {
            throw new ConfigurationException("the source " + source.name() + " has dimension " + source.dim()
                    + " but the model has dimension " + model.spec().dim());
        }
    }

    /**
     * The same likelihood with Hutchinson's estimate of the divergence instead of the exact one:
     * {@code div v ~ mean_k e_k^T (dv/dx) e_k} over {@code probes} Rademacher vectors per point,
     * drawn once per solve and held fixed along the trajectory (so each point's estimate is an
     * unbiased estimate of its log density). One backward pass per probe instead of one per
     * dimension: for tables of tens of columns, where the exact divergence costs tens of passes.
     *
     * @param probes probes per point, {@code >= 1}
     * @param rng where the probes come from; chunk {@code i} of a call uses {@code rng.split(i)}, so
     *     the same generator gives the same estimates
     * @return the estimating likelihood
     */
    public Likelihood hutchinson(int probes, Rng rng) {
        return hutchinson(probes, rng, Probe.RADEMACHER);
    }

    /**
     * As {@link #hutchinson(int, Rng)}, with probes of the given distribution.
     *
     * @param probes probes per point, {@code >= 1}
     * @param rng where the probes come from
     * @param kind Rademacher or Gaussian probes
     * @return the estimating likelihood
     */
    public Likelihood hutchinson(int probes, Rng rng, Probe kind) {
        if (probes < 1) {
            throw new ConfigurationException("Hutchinson's estimator needs >= 1 probe, got " + probes);
        }
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(kind, "kind");
        return new Likelihood(model, solver, sourceSet, probes, rng, kind);
    }

    /**
     * @param probeTensors the fixed probes of this solve, each {@code [B, D]}; empty for the exact divergence
     * @return the augmented right-hand side over states {@code [B, D + 1]}: the velocity of the
     *     first {@code D} columns and, in the last column, their divergence
     */
    VelocityField augmentedField(Tensor[] probeTensors) {
        int d = model.spec().dim();
        Backend backend = model.backend();
        return (t, s) -> {
            int b = s.dim(0);
            Tensor x = s.slice(1, 0, d);
            Tensor tt = backend.full(t, b, 1);
            Tensor v = model.velocity(tt, x);
            Tensor div;
            if (probeTensors.length == 0) {
                div = model.divergence(tt, x);
            } else {
                div = model.divergenceEstimate(tt, x, probeTensors[0]);
                for (int k = 1; k < probeTensors.length; k++) {
                    div = div.add(model.divergenceEstimate(tt, x, probeTensors[k]));
                }
                div = div.div(probeTensors.length);
            }
            return v.concat(div.reshape(b, 1).toDType(v.dtype()), 1);
        };
    }

    /**
     * The log density of each point under the flow, {@code log p1(x)} in nats.
     *
     * @param x points in the model's coordinates, row-major {@code rows x D}
     * @param rows the number of points, {@code >= 1}
     * @param options the solver's steps and tolerances; the interval is replaced by {@code 1 -> 0}
     * @return one log density per row, in input order
     * @throws DataException if the points are not finite or the array has the wrong length
     */
    public double[] logDensity(float[] x, int rows, SolveOptions options) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(options, "options");
        int d = model.spec().dim();
        if (rows < 1 || x.length != (long) rows * d) {
            throw new DataException("expected " + rows + " x " + d + " = " + ((long) rows * d)
                    + " coordinates for the likelihood, got " + x.length + (rows < 1 ? " (rows must be >= 1)" : ""));
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new DataException("point " + (i / d + 1) + ", coordinate " + (i % d + 1) + " is " + x[i]
                        + "; the likelihood needs finite points");
            }
        }
        SolveOptions backwards = options.between(1, 0);
        Backend backend = model.backend();
        double[] out = new double[rows];
        for (int from = 0; from < rows; from += CHUNK) {
            int n = Math.min(CHUNK, rows - from);
            float[] state = new float[n * (d + 1)];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, (from + i) * d, state, i * (d + 1), d);
            }
            float[] end;
            try (TensorScope scope = backend.openScope()) {
                Tensor[] probeTensors = new Tensor[probes];
                Rng chunkRng = probes == 0 ? null : probeRng.split(from / CHUNK);
                for (int k = 0; k < probes; k++) {
                    probeTensors[k] = backend.fromArray(probeKind == Probe.GAUSSIAN ? chunkRng.normals(n * d)
                            : rademacher(n * d, chunkRng), n, d);
                }
                end = solver.solve(augmentedField(probeTensors), backend.fromArray(state, n, d + 1), backwards).x()
                        .toFloatArray();
            }
            float[] x0 = new float[d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(end, i * (d + 1), x0, 0, d);
                out[from + i] = source.at(x0, 0) + end[i * (d + 1) + d];
            }
        }
        return out;
    }

    /**
     * The log density of each point in the data's coordinates, through the normalisation the model
     * was trained with: {@code log p(x) = log p_z(z) + log|det dz/dx|} with {@code z} the normalised
     * point. A point whose value in a column that was constant in training differs from that constant
     * has density zero: its result is {@code Double.NEGATIVE_INFINITY}. Columns that were constant
     * in training carry no density (they are a point mass), so the result is the density of the
     * other columns.
     *
     * @param x points in the data's coordinates, row-major {@code rows x normalizer.inputDim()}
     * @param rows the number of points, {@code >= 1}
     * @param normalizer the model's normalisation
     * @param options the solver's steps and tolerances
     * @return one log density per row, in nats, in input order
     */
    public double[] logDensity(float[] x, int rows, Normalizer normalizer, SolveOptions options) {
        Objects.requireNonNull(normalizer, "normalizer");
        Objects.requireNonNull(x, "x");
        int dim = normalizer.inputDim();
        if (normalizer.outputDim() != model.spec().dim()) {
            throw new ConfigurationException("the normalisation produces " + normalizer.outputDim()
                    + " coordinates but the model has dimension " + model.spec().dim());
        }
        if (rows < 1 || x.length != (long) rows * dim) {
            throw new DataException("expected " + rows + " x " + dim + " = " + ((long) rows * dim)
                    + " values for the likelihood, got " + x.length + (rows < 1 ? " (rows must be >= 1)" : ""));
        }
        int[] kept = new int[rows];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (normalizer.onSupport(x, r)) {
                kept[n++] = r;
            }
        }
        double[] out = new double[rows];
        java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
        if (n == 0) {
            return out;
        }
        float[] on = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, kept[i] * dim, on, i * dim, dim);
        }
        double[] logDet = normalizer.logAbsDetJacobian(on, n);
        double[] logPz = logDensity(normalizer.transform(on, n), n, options);
        for (int i = 0; i < n; i++) {
            out[kept[i]] = logPz[i] + logDet[i];
        }
        return out;
    }

    private static float[] rademacher(int n, Rng rng) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextInt(2) == 0 ? -1f : 1f;
        }
        return out;
    }

    /** @return one line for logs, e.g. {@code exact divergence, rk4 backwards from t = 1 to 0} */
    public String describe() {
        return (probes == 0 ? "exact divergence, " : "Hutchinson's divergence estimate (" + probes + " " + probeKind.id() + " probe"
                + (probes == 1 ? "" : "s") + "), ") + solver.describe() + ", backwards from t = 1 to t = 0, source " + sourceName;
    }
}
