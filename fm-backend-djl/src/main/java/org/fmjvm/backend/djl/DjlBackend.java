package org.fmjvm.backend.djl;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Capability;
import org.fmjvm.api.DType;
import org.fmjvm.api.Device;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.TensorStore;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.autodiff.TensorFunction;
import org.fmjvm.api.autodiff.ValueAndGradients;
import org.fmjvm.api.backend.BackendOptions;
import org.fmjvm.api.backend.ScopeStack;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.nn.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code djl} backend: PyTorch 2.7 through DJL 0.36, with the CPU natives bundled in the Maven
 * jars (nothing is downloaded; {@code ai.djl.offline} is set to {@code true} unless the user set
 * it).
 *
 * <p><b>Memory.</b> Each {@link TensorScope} owns a DJL sub-manager of this backend's root manager;
 * every tensor a thread makes is attached to that thread's innermost open scope, {@code keep}
 * re-attaches it to the enclosing scope, and closing the scope closes the manager. Models own
 * their weights and optimizer state in their own sub-managers and run each call in a temporary
 * manager, so nothing native outlives the call except its result.
 *
 * <p><b>Threads.</b> Heavy calls (training steps, forward passes, divergences) set the calling
 * thread's OpenMP thread count right before the native work, from a {@link ThreadGovernor}: in
 * {@code auto} mode it measures and picks 1 or {@code N} threads per workload, re-probing now and
 * then; a fixed count pins it. Single tensor operations are not governed: they run with the fixed
 * count, or with 1 thread in {@code auto} mode (they are small in this framework, and one thread
 * never collapses under load). Inter-op threads are set to 1 when the engine loads (unless the
 * user set {@code ai.djl.pytorch.num_interop_threads}).
 *
 * <p>Thread safety: the backend may be shared between threads; tensors and scopes are confined to
 * the thread that made them, models are single-threaded sessions. Gradient sections of all models
 * are serialised (DJL allows one gradient collector per process).
 */
public final class DjlBackend implements Backend {
    /** The registered name. */
    public static final String NAME = "djl";

    private static final Logger LOG = LoggerFactory.getLogger(DjlBackend.class);
    private static final String ENGINE = "PyTorch";
    private static final int MAX_AUTO_THREADS = 4;

    private final Engine engine;
    private final PtNDManager root;
    private final BackendOptions options;
    private final ThreadGovernor governor;
    private final String mklDispatch;
    private final String description;
    private final AtomicLong live = new AtomicLong();
    /** Stores not closed yet: their tensors (weights) are not counted in {@link #liveTensors()}. */
    private final Set<DjlStore> openStores = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ScopeStack<DjlScope> scopes = new ScopeStack<>();
    /** The thread count of the compiled call running on this thread, 0 outside one. */
    private final ThreadLocal<int[]> callThreads = ThreadLocal.withInitial(() -> new int[1]);
    private final DjlFusedAdam fusedAdam = new DjlFusedAdam(this);
    private volatile boolean closed;

    private DjlBackend(Engine engine, BackendOptions options, ThreadGovernor governor, String mklDispatch,
            String nativeMemory) {
        this.engine = engine;
        this.options = options;
        this.governor = governor;
        this.root = (PtNDManager) engine.newBaseManager(ai.djl.Device.cpu());
        this.root.setName("fm-djl-backend");
        this.description = "PyTorch " + engine.getVersion() + " via DJL " + Engine.getDjlVersion() + " on "
                + options.device() + ", threads " + governor.describe() + ", " + mklDispatch + ", " + nativeMemory;
        this.mklDispatch = mklDispatch;
    }

    /** @return what was done about MKL's kernel dispatch (see {@link MklDispatch}) */
    String mklDispatch() {
        return mklDispatch;
    }

    /**
     * Opens the backend with adaptive threads on the CPU.
     *
     * @return the backend
     * @throws BackendException if the PyTorch natives cannot be loaded
     */
    public static DjlBackend open() {
        return open(BackendOptions.defaults());
    }

    /**
     * Loads the PyTorch engine (once per process; about half a second, a few seconds the very
     * first time while DJL extracts the natives from the jar) and opens a backend.
     *
     * @param options threads ({@code auto}: an adaptive governor chooses between 1 and the number of
     *     cores, at most 4, by measuring; a fixed count pins it) and device (only {@code cpu} is
     *     bundled)
     * @return the backend
     * @throws BackendException if the device is a GPU (CUDA natives are not bundled) or the natives
     *     cannot be loaded
     */
    public static DjlBackend open(BackendOptions options) {
        return open(options, MklDispatch.Mode.AUTO, NativeMemory.Mode.KEEP);
    }

    /**
     * @param options threads and device
     * @param mklDispatch whether to let MKL pick kernels by instruction set on non-Intel CPUs
     *     (see {@link MklDispatch}); only the first backend opened in a process decides
     * @param memory whether glibc keeps freed memory for reuse (see {@link NativeMemory}); only the
     *     first backend opened in a process decides
     * @return the backend
     */
    static DjlBackend open(BackendOptions options, MklDispatch.Mode mklDispatch, NativeMemory.Mode memory) {
        Objects.requireNonNull(options, "options");
        if (!options.device().type().equals("cpu")) {
            throw new BackendException("djl: device '" + options.device() + "' is not available: the CUDA natives for"
                    + " PyTorch 2.7.1 are not bundled with fm-backend-djl (DJL publishes none on Maven Central);"
                    + " use device=cpu");
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        String dispatch = MklDispatch.prepare(mklDispatch);
        String heap = NativeMemory.prepare(memory);
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE);
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("djl: could not load the PyTorch engine (" + e.getMessage() + "); check that"
                    + " ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64 is on the class path and that this is"
                    + " linux-x86_64", e);
        }
        String reproducible = MklDispatch.strictReproducibility(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        if (!reproducible.equals("MKL strict reproducibility")) {
            LOG.warn("{}: training may differ in the last bits between thread counts", reproducible);
        }
        ThreadGovernor governor = options.autoThreads()
                ? ThreadGovernor.adaptive(Math.min(MAX_AUTO_THREADS, Runtime.getRuntime().availableProcessors()),
                        System::nanoTime, ThreadGovernor.Tuning.defaults())
                : ThreadGovernor.fixed(options.threads());
        DjlBackend backend = new DjlBackend(engine, options, governor, dispatch, heap);
        LOG.debug("opened {}", backend.description);
        return backend;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Device device() {
        return options.device();
    }

    /** @return the options the backend was opened with */
    public BackendOptions options() {
        return options;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.EXACT_DIVERGENCE, Capability.FLOAT64);
    }

    @Override
    public TensorScope openScope() {
        checkOpen();
        return scopes.push(new DjlScope(this, scopes.innermost(), (PtNDManager) root.newSubManager()));
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Shapes.requireElementCount(data.length, shape);
        DjlScope scope = currentScope();
        return adopt("fromArray", () -> scope.manager().create(FloatBuffer.wrap(data), toShape(shape),
                DataType.FLOAT32), scope, shape.clone(), DType.FLOAT32);
    }

    @Override
    public Tensor fromArray(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Shapes.requireElementCount(data.length, shape);
        DjlScope scope = currentScope();
        return adopt("fromArray", () -> scope.manager().create(DoubleBuffer.wrap(data), toShape(shape),
                DataType.FLOAT64), scope, shape.clone(), DType.FLOAT64);
    }

    @Override
    public Tensor full(double value, int... shape) {
        Shapes.size(shape);
        DjlScope scope = currentScope();
        return adopt("full", () -> (PtNDArray) scope.manager().full(toShape(shape), (float) value, DataType.FLOAT32),
                scope, shape.clone(), DType.FLOAT32);
    }

    @Override
    public VelocityModel newModel(ModelSpec spec, ModelWeights weights) {
        checkOpen();
        return Models.velocityModel(this, spec, weights);
    }

    @Override
    public TrainableModel newTrainableModel(ModelSpec spec, OptimizerSpec optimizer, ModelWeights initial) {
        checkOpen();
        return Models.trainableModel(this, spec, optimizer, initial);
    }

    @Override
    public Tensor concat(List<Tensor> parts, int axis) {
        if (parts.size() < 2) {
            return Backend.super.concat(parts, axis);
        }
        DjlTensor first = unwrap(parts.get(0), "parts[0]");
        PtNDArray[] arrays = new PtNDArray[parts.size()];
        arrays[0] = first.array();
        int[] joined = first.shape();
        int ax = Shapes.axis("concat", axis, joined);
        for (int i = 1; i < arrays.length; i++) {
            DjlTensor p = unwrap(parts.get(i), "parts[" + i + "]");
            TensorChecks.requireSameDType("concat", first, p);
            Shapes.concatAxis(joined, p.shape(), ax);
            joined[ax] += p.dim(ax);
            arrays[i] = p.array();
        }
        return adopt("concat", () -> JniUtils.cat(arrays, ax), currentScope(), joined, first.dtype());
    }

    @Override
    public TensorStore openStore() {
        DjlStore store = new DjlStore(this, newChildManager());
        openStores.add(store);
        return store;
    }

    void storeClosed(DjlStore store) {
        openStores.remove(store);
    }

    @Override
    public ValueAndGradients valueAndGradients(Function<List<Tensor>, Tensor> f, List<Tensor> args) {
        Objects.requireNonNull(f, "f");
        DjlScope scope = currentScope();
        List<DjlTensor> leaves = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            leaves.add(leaf(unwrapArgument(args, i), scope));
        }
        try {
            Tensor value = GradientSections.run(engine, collector -> {
                Tensor y = f.apply(new ArrayList<>(leaves));
                DjlTensor out = unwrap(y, "f's result");
                Shapes.requireOneElement(out.shape());
                collector.backward(out.array());
                return y;
            });
            List<Tensor> grads = new ArrayList<>(leaves.size());
            for (DjlTensor leaf : leaves) {
                grads.add(adopt(gradientOf(leaf.array()), scope, leaf.shape(), leaf.dtype()));
            }
            return new ValueAndGradients(value, grads);
        } catch (EngineException e) {
            throw nativeFailure("valueAndGradients", e);
        }
    }

    @Override
    public Tensor vjp(UnaryOperator<Tensor> f, Tensor x, Tensor u) {
        Objects.requireNonNull(f, "f");
        DjlScope scope = currentScope();
        DjlTensor cotangent = unwrap(u, "u");
        DjlTensor leaf = leaf(unwrap(x, "x"), scope);
        try {
            GradientSections.run(engine, collector -> {
                DjlTensor y = unwrap(f.apply(leaf), "f's result");
                TensorChecks.requireSameDType("vjp", y, cotangent);
                Shapes.broadcast("vjp", y.shape(), cotangent.shape());
                collector.backward(JniUtils.sum(JniUtils.mul(y.array(), cotangent.array())));
                return null;
            });
            return adopt(gradientOf(leaf.array()), scope, leaf.shape(), leaf.dtype());
        } catch (EngineException e) {
            throw nativeFailure("vjp", e);
        }
    }

    /**
     * The leaf to differentiate with respect to: a trainable store tensor itself (its gradient buffer,
     * left over from an earlier backward pass, zeroed first), otherwise a fresh copy in {@code scope}
     * that requires gradients (a tensor computed from others is not a leaf). DJL's {@code zeroGrad}
     * leaves a tensor without a gradient buffer alone, so a store leaf is zeroed without first
     * fetching its gradient (a handle made and freed per parameter per training step);
     * OpsContract's store-gradient test covers a parameter no pass has reached yet.
     */
    private DjlTensor leaf(DjlTensor t, DjlScope scope) {
        PtNDArray a = t.array();
        try {
            if (t.scope().isStore() && JniUtils.requiresGrad(a)) {
                JniUtils.zeroGrad(a);
                return t;
            }
            PtNDArray copy = JniUtils.detachGradient(a);
            PtNDArray fresh = (PtNDArray) copy.duplicate();
            copy.close();
            fresh.setRequiresGradient(true);
            return adopt(fresh, scope);
        } catch (EngineException e) {
            throw nativeFailure("valueAndGradients", e);
        }
    }

    /** The gradient a backward pass left in a leaf; zeros when the function did not depend on it. */
    private static PtNDArray gradientOf(PtNDArray leaf) {
        PtNDArray g = JniUtils.getGradient(leaf);
        return g != null ? g : (PtNDArray) leaf.getManager().zeros(leaf.getShape(), leaf.getDataType());
    }

    @Override
    public CompiledFunction compile(String name, FunctionKind kind, int batchArgs, TensorFunction f) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(f, "f");
        ThreadGovernor.Workload workload = ThreadGovernor.Workload.valueOf(kind.name());
        boolean inference = kind == FunctionKind.FORWARD || kind == FunctionKind.LOSS;
        return args -> {
            checkOpen();
            int batch = batchArgs > 0 && args.get(0).rank() > 0 ? args.get(0).dim(0) : 1;
            int[] threads = callThreads.get();
            int outer = threads[0];
            try (ThreadGovernor.Call call = governor.begin(workload, batch); TensorScope inner = openScope()) {
                threads[0] = call.threads();
                NativeThreads.use(call.threads());
                if (inference) {
                    NativeThreads.noGrad();
                }
                List<Tensor> out = f.apply(args);
                for (Tensor t : out) {
                    DjlTensor d = unwrap(t, name + "'s result");
                    if (d.scope() == inner) {
                        inner.keep(d);
                    }
                }
                return out;
            } catch (EngineException e) {
                throw nativeFailure(name, e);
            } finally {
                threads[0] = outer;
            }
        };
    }

    @Override
    public Optional<FusedAdam> fusedAdam() {
        return Optional.of(fusedAdam);
    }

    /** @return the native thread count single operations run with on the calling thread right now */
    int opThreads() {
        int inCall = callThreads.get()[0];
        return inCall > 0 ? inCall : governor.lightThreads();
    }

    @Override
    public long liveTensors() {
        long inStores = 0;
        for (DjlStore store : openStores) {
            inStores += store.size();
        }
        return live.get() - inStores;
    }

    /** Frees every scope's and model's native memory. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            root.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    // ---------------------------------------------------------------- package-private plumbing

    Engine engine() {
        return engine;
    }

    ThreadGovernor governor() {
        return governor;
    }

    /** @return the total number of native arrays in every scope and model of this backend */
    int nativeArrays() {
        return root.getManagedArrays().size();
    }

    PtNDManager newChildManager() {
        checkOpen();
        return (PtNDManager) root.newSubManager();
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the djl backend is closed");
        }
    }

    /**
     * @return the calling thread's innermost open scope
     * @throws IllegalStateException if none is open, telling the user to open one
     */
    DjlScope currentScope() {
        checkOpen();
        return scopes.current();
    }

    /** @return the per-thread stacks of open scopes */
    ScopeStack<DjlScope> scopes() {
        return scopes;
    }

    /**
     * Runs a native operation and adopts its result into {@code scope}.
     *
     * @param op the operation's name, for error messages
     * @param producer makes the result
     * @param scope the scope to attach the result to
     * @return the wrapped result
     */
    DjlTensor adopt(String op, Supplier<PtNDArray> producer, DjlScope scope) {
        return adopt(run(op, producer), scope);
    }

    /** Runs one native operation with this thread's op thread count, turning engine errors into ours. */
    private PtNDArray run(String op, Supplier<PtNDArray> producer) {
        try {
            NativeThreads.use(opThreads());
            return producer.get();
        } catch (EngineException e) {
            throw nativeFailure(op, e);
        }
    }

    /** Attaches an array to a scope and wraps it. */
    DjlTensor adopt(PtNDArray array, DjlScope scope) {
        return register(new DjlTensor(this, array, scope), scope);
    }

    /**
     * Runs a native operation whose result's shape and dtype are known in Java and adopts it into
     * {@code scope} without asking libtorch for them.
     */
    DjlTensor adopt(String op, Supplier<PtNDArray> producer, DjlScope scope, int[] shape, DType dtype) {
        return adopt(run(op, producer), scope, shape, dtype);
    }

    /** Attaches an array whose shape and dtype are known in Java to a scope and wraps it. */
    private DjlTensor adopt(PtNDArray array, DjlScope scope, int[] shape, DType dtype) {
        return register(new DjlTensor(this, array, scope, shape, dtype), scope);
    }

    /** Moves a new wrapper's array to its scope's manager (unless it is there) and counts it live there. */
    private DjlTensor register(DjlTensor tensor, DjlScope scope) {
        PtNDArray array = tensor.array();
        if (array.getManager() != scope.manager()) {
            array.attach(scope.manager());
        }
        scope.add(tensor);
        live.incrementAndGet();
        return tensor;
    }

    void released() {
        live.decrementAndGet();
    }

    BackendException nativeFailure(String op, RuntimeException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new BackendException("djl: PyTorch failed in " + op + ": " + msg, e);
    }

    /**
     * {@link #unwrap} for {@code args[i]} on a per-step path: the argument's name is only spelled out
     * when the check fails, so a pass over many weights builds no strings.
     */
    DjlTensor unwrapArgument(List<Tensor> args, int i) {
        Tensor arg = args.get(i);
        if (arg instanceof DjlTensor d && d.backend() == this) {
            d.checkUsable();
            return d;
        }
        return unwrap(arg, "args[" + i + "]");
    }

    /**
     * @param tensor any tensor
     * @param name what it is called in messages, e.g. {@code "x"}
     * @return it as a live tensor of this backend
     * @throws IllegalArgumentException if it belongs to another backend
     */
    DjlTensor unwrap(Tensor tensor, String name) {
        DjlTensor d = TensorChecks.unwrap(this, DjlTensor.class, tensor, name);
        d.checkUsable();
        return d;
    }

    static Shape toShape(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return new Shape(s);
    }

    static DataType toDataType(DType dtype) {
        return dtype == DType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }
}
