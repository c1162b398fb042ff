package org.fmjvm.core.sample;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.VelocityField;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.normalize.Normalizer;

/**
 * Generates samples by integrating {@code dx/dt = v_theta(t, x)} from {@code t = 0} (points of the
 * source distribution, standard normal noise by default) to {@code t = 1}. Single-threaded session.
 */
public final class Sampler {

    /** Points integrated together; larger requests are split into chunks of this many rows. */
    public static final int CHUNK = 65_536;

    private final VelocityModel model;
    private final OdeSolver solver;
    private final Dataset source;
    private final Normalizer normalizer;

    /**
     * @param model the learned velocity field
     * @param solver the integrator
     */
    public Sampler(VelocityModel model, OdeSolver solver) {
        this(model, solver, new GaussianSource(model.spec().dim()));
    }

    /**
     * @param model the learned velocity field
     * @param solver the integrator
     * @param source where starting points come from: the distribution the model was trained from
     */
    public Sampler(VelocityModel model, OdeSolver solver, Dataset source) {
        this(model, solver, source, Normalizer.identity(model.spec().dim()));
    }

    /**
     * @param model the learned velocity field, in the normalised coordinates
     * @param solver the integrator
     * @param source where starting points come from, in the model's coordinates
     * @param normalizer the data's normalisation: {@link #generate} maps the final states back
     *     through {@link Normalizer#toData} (constant columns restored, integer columns rounded)
     */
    public Sampler(VelocityModel model, OdeSolver solver, Dataset source, Normalizer normalizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.solver = Objects.requireNonNull(solver, "solver");
        this.source = Objects.requireNonNull(source, "source");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        if (source.dim() != model.spec().dim()) {
            throw new DataException("the source " + source.name() + " has dimension " + source.dim()
                    + " but the model has dimension " + model.spec().dim());
        }
        if (normalizer.outputDim() != model.spec().dim()) {
            throw new DataException("the normalisation produces " + normalizer.outputDim()
                    + " coordinates but the model has dimension " + model.spec().dim());
        }
    }

    /** @return the dimension of generated points: the data's, which differs from the model's when constant columns were dropped */
    public int dataDim() {
        return normalizer.inputDim();
    }

    /** @return the model as the right-hand side of the ODE */
    public VelocityField field() {
        return model::velocity;
    }

    /**
     * Integrates given initial states, for callers that need the trajectory or the NFE count.
     *
     * @param x0 initial states, {@code [B, D]}, in the caller's scope
     * @param options interval, steps, trajectory capture
     * @return the solution, its final state in the caller's scope
     */
    public Solution solve(Tensor x0, SolveOptions options) {
        return solver.solve(field(), x0, options);
    }

    /**
     * Draws {@code n} noise points from {@code rng} and integrates them, in chunks of {@link #CHUNK}.
     *
     * @param n how many samples, {@code >= 1}
     * @param options interval and steps (usually {@code SolveOptions.steps(K)})
     * @param rng the generator for the noise
     * @return the samples, row-major {@code n x D}
     */
    public float[] generate(int n, SolveOptions options, Rng rng) {
        return generate(noise(n, rng), n, options);
    }

    /**
     * Integrates given noise points, in chunks of {@link #CHUNK}, and maps the final states to the
     * data's coordinates.
     *
     * @param x0 initial states in the model's coordinates, row-major {@code n x D}
     * @param n the number of rows
     * @param options interval and steps
     * @return the generated points, row-major {@code n x dataDim()}
     */
    public float[] generate(float[] x0, int n, SolveOptions options) {
        if (n < 1) {
            throw new ConfigurationException("number of samples must be >= 1, got " + n);
        }
        int dim = model.spec().dim();
        if (x0.length != (long) n * dim) {
            throw new ConfigurationException("expected " + n + " x " + dim + " initial values, got " + x0.length);
        }
        return toData(integrate(x0, n, options), n);
    }

    /**
     * Generates {@code n} points lazily, {@code chunkRows} at a time, so that memory stays bounded
     * by the chunk however many points are asked for. Each call of {@code next()} draws the chunk's
     * noise from {@code rng}, continuing where the previous chunk stopped, integrates it (in pieces of
     * at most {@link #CHUNK} rows) and maps it to the data's coordinates; the last chunk may be
     * shorter.
     *
     * <p>The noise is one sequential stream, so the concatenated chunks start from exactly the
     * noise of {@link #generate(int, SolveOptions, Rng)} for the same {@code n} and {@code rng}; with
     * {@code chunkRows = CHUNK} the points are bitwise the same as {@code generate}'s. With a
     * fixed-step solver each row is integrated on its own, so any chunk size gives the same points
     * up to the backend's arithmetic; an adaptive solver chooses its steps from the whole chunk, so
     * its points depend on the chunk size.
     *
     * <p>The iterator is a single-threaded session, like the sampler; it draws from {@code rng}.
     *
     * @param n how many points, {@code >= 1}
     * @param options interval and steps
     * @param rng the generator for the noise
     * @param chunkRows rows per chunk, {@code >= 1}
     * @return the chunks in order, each a new row-major {@code rows x dataDim()} array
     */
    public Iterator<float[]> stream(long n, SolveOptions options, Rng rng, int chunkRows) {
        if (n < 1) {
            throw new ConfigurationException("number of samples must be >= 1, got " + n);
        }
        if (chunkRows < 1) {
            throw new ConfigurationException("rows per chunk must be >= 1, got " + chunkRows);
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(rng, "rng");
        return new Iterator<>() {
            private long done;

            @Override
            public boolean hasNext() {
                return done < n;
            }

            @Override
            public float[] next() {
                if (done >= n) {
                    throw new NoSuchElementException("all " + n + " points were generated");
                }
                int rows = (int) Math.min(chunkRows, n - done);
                float[] points = toData(integrate(noise(rows, rng), rows, options), rows);
                done += rows;
                return points;
            }
        };
    }

    /** Integrates {@code n} rows of the model's coordinates in pieces of {@link #CHUNK}. */
    private float[] integrate(float[] x0, int n, SolveOptions options) {
        int dim = model.spec().dim();
        Backend backend = model.backend();
        float[] out = new float[n * dim];
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            float[] chunk = new float[rows * dim];
            System.arraycopy(x0, from * dim, chunk, 0, chunk.length);
            try (TensorScope scope = backend.openScope()) {
                Tensor x = backend.fromArray(chunk, rows, dim);
                float[] result = solve(x, options).x().toFloatArray();
                System.arraycopy(result, 0, out, from * dim, result.length);
            }
        }
        return out;
    }

    private float[] toData(float[] z, int rows) {
        return normalizer.kind() == Normalizer.Kind.NONE && normalizer.integerColumns().isEmpty() ? z
                : normalizer.toData(z, rows);
    }

    /**
     * @param n how many
     * @param rng the generator
     * @return {@code n} starting points drawn from the source (standard normal unless another source
     *     was given), row-major
     */
    public float[] noise(int n, Rng rng) {
        return source.sample(n, rng);
    }
}
