package org.fmjvm.core.coupling;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.ButcherTableau;
import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.GaussianSource;

/**
 * Rectified flow's reflow (Liu et al. 2023): pairs each noise point {@code x0} with where a trained
 * teacher flow takes it, {@code x1 = x0 + integral_0^1 v_teacher(t, x(t)) dt}, so a student trained
 * on these pairs learns a straighter flow of the same marginals. The data batch {@code x1} given to
 * {@link #pair} is ignored (only its shape is checked).
 *
 * <p>The teacher ODE is integrated with a fixed-step {@link Method} ({@code euler} or {@code rk4})
 * in {@code steps} steps, in float32 (the teacher's precision), and the result converted to
 * {@code x0}'s dtype. The pairs live in the teacher's model coordinates (its normalisation): train
 * the student on the same data set and normalisation as the teacher. The teacher runs on the weights
 * its checkpoint samples from by default ({@link Checkpoints.Loaded#samplingWeights()}: the EMA
 * weights when it holds them).
 *
 * <p><b>Cached pairs.</b> With {@code pairs = N > 0}, the first call draws {@code N} noise points
 * from {@code rng.split("reflow-pairs")} (which depends only on that generator's seed, so on the
 * run's one seed), integrates them once and keeps the {@code N} pairs on the host; every call then
 * returns {@code B} pairs drawn uniformly with replacement from them by {@code rng}. Both sides are
 * then new rows: the input {@code x0} is ignored too. With {@code pairs = 0} (the default) every call
 * integrates its own {@code x0}, which is returned unchanged as the batch's {@code x0}.
 *
 * <p><b>Teacher memory and threads.</b> The constructor only reads and checks the sidecar. The
 * teacher model is built on {@code x0.backend()} at the first call and kept for this coupling's
 * lifetime (its weights live in that backend's native memory, outside any tensor scope; closing the
 * backend frees them). {@link #close()} frees it earlier; a call on another backend closes the old
 * teacher and builds a new one. Unlike most couplings this one therefore has state (the teacher and
 * the cached pairs): {@link #pair} is {@code synchronized}, so calls run one at a time. Tensor
 * scopes follow {@link Coupling}: the returned new tensors are in the caller's scope and every
 * temporary of the integration dies in a scope of the coupling's own.
 */
public final class ReflowCoupling implements Coupling, AutoCloseable {

    /** The default number of teacher ODE steps. */
    public static final int DEFAULT_STEPS = 100;

    /** Rows integrated together when building the cached pairs. */
    private static final int CHUNK = 65_536;

    /** The teacher's fixed-step integrator. */
    public enum Method {
        /** Forward Euler, one evaluation per step. */
        EULER(ButcherTableau.of("euler", 1, new double[] {0}, new double[][] {{}}, new double[] {1})),
        /** Classic fourth-order Runge-Kutta, four evaluations per step. */
        RK4(ButcherTableau.of("rk4", 4, new double[] {0, 0.5, 0.5, 1},
                new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}}, new double[] {1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0}));

        private final ButcherTableau tableau;

        Method(ButcherTableau tableau) {
            this.tableau = tableau;
        }

        /** @return the kebab-case name, {@code euler} or {@code rk4} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param id {@code euler} or {@code rk4}
         * @return the method
         * @throws ConfigurationException naming the known methods otherwise
         */
        public static Method of(String id) {
            for (Method m : values()) {
                if (m.id().equals(Objects.requireNonNull(id, "id").trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new ConfigurationException("unknown reflow method '" + id + "'; known: euler, rk4");
        }
    }

    private final Path teacher;
    private final CheckpointInfo info;
    private final int steps;
    private final Method method;
    private final int pairs;
    private final RungeKutta solver;

    private VelocityModel model;
    private double[] cachedX0;
    private double[] cachedX1;

    /**
     * Reads and checks the teacher's sidecar; the weights are loaded at the first {@link #pair}.
     *
     * @param teacher a checkpoint folder of a flow trained from the standard normal source
     * @param steps teacher ODE steps, {@code >= 1}
     * @param method the teacher's integrator
     * @param pairs {@code 0} to integrate every batch, or the number of pairs to generate once and reuse
     * @throws CheckpointException if the folder is missing or not a checkpoint, naming it
     * @throws ConfigurationException if the teacher's source is not standard normal, or a count is out of range
     */
    public ReflowCoupling(Path teacher, int steps, Method method, int pairs) {
        this.teacher = Objects.requireNonNull(teacher, "teacher");
        this.method = Objects.requireNonNull(method, "method");
        if (steps < 1) {
            throw new ConfigurationException("reflow teacher steps must be >= 1, got " + steps);
        }
        if (pairs < 0) {
            throw new ConfigurationException("reflow pairs must be >= 0 (0: integrate every batch), got " + pairs);
        }
        this.steps = steps;
        this.pairs = pairs;
        try {
            this.info = Checkpoints.readInfo(teacher);
        } catch (CheckpointException e) {
            throw new CheckpointException("reflow teacher: " + e.getMessage(), e);
        }
        if (!GaussianSource.NAME.equals(info.source())) {
            throw new ConfigurationException("reflow teacher " + teacher + " was trained from source '" + info.source()
                    + "', but reflow starts from " + GaussianSource.NAME + " noise: pick a teacher trained with it");
        }
        this.solver = RungeKutta.of(method.tableau);
    }

    /**
     * The registration: {@code reflow} with {@code teacher} (a checkpoint folder, required),
     * {@code steps} ({@value #DEFAULT_STEPS}), {@code method} ({@code euler}) and {@code pairs}
     * ({@code 0}: integrate every batch).
     *
     * @return the factory {@link org.fmjvm.core.plugin.CoreModule} registers
     */
    public static ComponentFactory<Coupling> factory() {
        return ComponentFactory.of("reflow",
                "rectified flow's reflow: x1 = a trained teacher's ODE solution from x0 ~ N(0, I); the data batch is ignored",
                List.of(ParamSpec.text("teacher", "", "checkpoint folder of the teacher flow (required)"),
                        ParamSpec.integer("steps", DEFAULT_STEPS, "teacher ODE steps, >= 1"),
                        ParamSpec.text("method", "euler", "teacher integrator: euler or rk4"),
                        ParamSpec.integer("pairs", 0, "0: integrate every batch; N > 0: generate N pairs once and "
                                + "sample batches from them")),
                ReflowCoupling::fromParams);
    }

    private static ReflowCoupling fromParams(ComponentParams params) {
        String folder = params.text("teacher").trim();
        if (folder.isEmpty()) {
            throw params.invalid("teacher is required: give the checkpoint folder of the trained flow to straighten, "
                    + "e.g. --coupling-param teacher=runs/base");
        }
        long steps = params.integer("steps");
        if (steps < 1 || steps > 1_000_000) {
            throw params.invalid("steps must be in [1, 1000000], got " + params.text("steps"));
        }
        long pairs = params.integer("pairs");
        if (pairs < 0 || pairs > 100_000_000) {
            throw params.invalid("pairs must be in [0, 100000000] (0: integrate every batch), got "
                    + params.text("pairs"));
        }
        Method method;
        try {
            method = Method.of(params.text("method"));
        } catch (ConfigurationException e) {
            throw params.invalid(e.getMessage());
        }
        return new ReflowCoupling(Path.of(folder), (int) steps, method, (int) pairs);
    }

    /** @return the teacher's checkpoint folder */
    public Path teacher() {
        return teacher;
    }

    /**
     * @param x0 source points, {@code [B, D]} with {@code D} the teacher's dimension, float32 or float64
     * @param x1 ignored but for its shape, which must equal {@code x0}'s
     * @param rng draws rows of the cached pairs ({@code pairs > 0}); unused otherwise
     * @return {@code (x0, teacher(x0))}, or {@code B} cached pairs; new tensors in the caller's scope
     * @throws ShapeMismatchException if the shapes differ or {@code D} is not the teacher's dimension
     */
    @Override
    public synchronized CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(x1, "x1");
        Objects.requireNonNull(rng, "rng");
        if (!Arrays.equals(x0.shape(), x1.shape())) {
            throw new ShapeMismatchException("reflow coupling needs x0 and x1 of equal shape, got "
                    + Arrays.toString(x0.shape()) + " and " + Arrays.toString(x1.shape()));
        }
        if (x0.rank() != 2 || x0.dim(1) != info.model().dim()) {
            throw new ShapeMismatchException("reflow teacher " + teacher + " has dimension " + info.model().dim()
                    + " but the batch has shape " + Arrays.toString(x0.shape()));
        }
        VelocityModel m = teacherOn(x0.backend());
        if (pairs == 0) {
            return new CoupledBatch(x0, integrate(m, x0));
        }
        if (cachedX0 == null) {
            buildCache(m, rng.split("reflow-pairs"));
        }
        int b = x0.dim(0);
        int d = x0.dim(1);
        double[] s = new double[b * d];
        double[] e = new double[b * d];
        for (int i = 0; i < b; i++) {
            int k = rng.nextInt(pairs);
            System.arraycopy(cachedX0, k * d, s, i * d, d);
            System.arraycopy(cachedX1, k * d, e, i * d, d);
        }
        Backend backend = x0.backend();
        return new CoupledBatch(backend.fromArray(s, x0.dtype(), b, d), backend.fromArray(e, x0.dtype(), b, d));
    }

    /** The teacher's endpoint of {@code x0}, a new tensor of {@code x0}'s dtype in the caller's scope. */
    private Tensor integrate(VelocityModel m, Tensor x0) {
        try (TensorScope scope = x0.backend().openScope()) {
            Tensor start = x0.dtype() == DType.FLOAT32 ? x0 : x0.toDType(DType.FLOAT32);
            Tensor end = solver.solve(m::velocity, start, SolveOptions.steps(steps)).x();
            return scope.keep(end.dtype() == x0.dtype() ? end : end.toDType(x0.dtype()));
        }
    }

    private void buildCache(VelocityModel m, Rng noise) {
        int d = info.model().dim();
        Backend backend = m.backend();
        double[] s = new double[pairs * d];
        double[] e = new double[pairs * d];
        for (int from = 0; from < pairs; from += CHUNK) {
            int n = Math.min(CHUNK, pairs - from);
            float[] z = noise.normals(n * d);
            try (TensorScope scope = backend.openScope()) {
                Tensor start = backend.fromArray(z, n, d);
                double[] end = solver.solve(m::velocity, start, SolveOptions.steps(steps)).x().toDoubleArray();
                for (int i = 0; i < z.length; i++) {
                    s[from * d + i] = z[i];
                }
                System.arraycopy(end, 0, e, from * d, end.length);
            }
        }
        cachedX0 = s;
        cachedX1 = e;
    }

    private VelocityModel teacherOn(Backend backend) {
        if (model != null && model.backend() == backend) {
            return model;
        }
        close();
        Checkpoints.Loaded loaded;
        try {
            loaded = Checkpoints.load(teacher);
        } catch (CheckpointException e) {
            throw new CheckpointException("reflow teacher: " + e.getMessage(), e);
        }
        // the weights the teacher is sampled from by default: its EMA weights when it kept an average
        model = backend.newModel(loaded.info().model(), loaded.samplingWeights());
        return model;
    }

    /** Frees the teacher model, if one was built; the next {@link #pair} builds it again. Idempotent. */
    @Override
    public synchronized void close() {
        if (model != null) {
            VelocityModel m = model;
            model = null;
            m.close();
        }
    }

    @Override
    public String describe() {
        return "reflow: x1 = teacher ODE(x0) from " + teacher + " (" + method.id() + ", " + steps + " steps, "
                + (pairs == 0 ? "every batch" : pairs + " cached pairs") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
