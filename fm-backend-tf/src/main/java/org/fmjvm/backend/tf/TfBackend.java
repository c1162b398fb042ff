package org.fmjvm.backend.tf;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * The {@code tf} backend: TensorFlow 2.18 through TensorFlow Java 1.1, with the CPU natives bundled
 * in the Maven jars (extracted by JavaCPP to {@code ~/.javacpp/cache} on first use).
 *
 * <p><b>Execution.</b> One TensorFlow eager context per backend ({@link TfRuntime}, through the C
 * API that TF Java ships). Tensor operations are single eager operations; compiled functions (a
 * model's forward pass, loss, training step and divergence probe among them) are TensorFlow
 * functions traced once per argument signature and called like operations.
 *
 * <p><b>Memory.</b> A {@link Tensor} owns one native tensor handle; each {@link TensorScope} keeps the
 * set of tensors made in it on its thread, {@code keep} moves a tensor's ownership to the enclosing
 * scope (nothing is copied: all scopes share the backend's context), and closing a scope deletes the
 * handles, which frees the buffers no other handle shares. Models own their weights (and optimizer
 * state) as handles and free them on close. {@link #nativeHandles()} counts every live native handle,
 * including the models'.
 *
 * <p><b>Stores.</b> {@link #openStore()} gives {@link TfStore}s: tensors owned outside the scope
 * stacks (weights, optimizer state), usable in every operation and compiled function like any
 * tensor. Like models' weights before them, they are not counted in {@link #liveTensors()}, which
 * watches the scopes; {@link TensorStore#size()} counts them.
 *
 * <p><b>Compiled functions and gradients.</b> TensorFlow Java has no eager gradient tape, so
 * {@link #compile} traces a function written over the op set into a TensorFlow function, once per
 * argument signature ({@link TfCompiled}): while it is traced, every operation of the thread adds to
 * a graph ({@link TfTrace}, {@link TfSymbol}; tensors made meanwhile are graph constants, eager
 * tensors the function uses are captured by reference), and {@link #valueAndGradients} and
 * {@link #vjp} add symbolic gradients ({@code Graph.addGradients}) to it. Called outside a traced
 * function, they trace {@code f} on the spot into a one-off function ({@link TfGradients}). Models are
 * fm-nn's networks, written once over the op set and traced here like any function.
 *
 * <p><b>Threads.</b> See {@link TfThreads}: a fixed intra-op count for the whole process (the first
 * backend decides) and inter-op threads per backend; TensorFlow's pools do not collapse under load,
 * so no per-call adaptation is needed.
 *
 * <p><b>Logging.</b> TensorFlow's native library prints two notices to stderr when it loads (oneDNN
 * and CPU features). It reads {@code TF_CPP_MIN_LOG_LEVEL} from the environment once, before any Java
 * code can intervene, and TF Java has no API for it: set {@code TF_CPP_MIN_LOG_LEVEL=2} in the
 * environment of the JVM to silence them. Running models as eager functions rather than graph
 * sessions avoids TensorFlow's MLIR and absl notices altogether.
 *
 * <p>Thread safety: the backend may be shared between threads; tensors and scopes are confined to
 * the thread that made them, models are single-threaded sessions.
 */
public final class TfBackend implements Backend {
    /** The registered name. */
    public static final String NAME = "tf";

    private static final Logger LOG = LoggerFactory.getLogger(TfBackend.class);

    private final TfRuntime runtime;
    private final BackendOptions options;
    private final String description;
    private final AtomicLong live = new AtomicLong();
    private final ScopeStack<TfScope> scopes = new ScopeStack<>();
    private final Set<TfScope> openScopes = ConcurrentHashMap.newKeySet();
    private final Set<TfStore> openStores = ConcurrentHashMap.newKeySet();
    private final Set<TfCompiled> compiled = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<TfTrace> traces = new ThreadLocal<>();
    private final AtomicLong functionIds = new AtomicLong();
    private volatile boolean closed;

    private TfBackend(TfRuntime runtime, BackendOptions options, TfThreads threads, int effectiveIntraOp,
            String version) {
        this.runtime = runtime;
        this.options = options;
        this.description = "TensorFlow " + version + " via TF Java " + tfJavaVersion() + " on " + options.device()
                + ", threads " + threads.describe(effectiveIntraOp);
    }

    /**
     * Opens the backend with automatic threads on the CPU.
     *
     * @return the backend
     * @throws BackendException if the TensorFlow natives cannot be loaded
     */
    public static TfBackend open() {
        return open(BackendOptions.defaults());
    }

    /**
     * Loads the TensorFlow natives (once per process: about 2 s, longer the very first time while
     * JavaCPP extracts them) and opens a backend with its own eager context.
     *
     * @param options threads ({@code auto}: TensorFlow intra-op threads = cores, at most 4; a fixed
     *     count pins it; process-wide, the first {@code tf} backend opened in a JVM decides, see
     *     {@link TfThreads}) and device (only {@code cpu} is bundled)
     * @return the backend
     * @throws BackendException if the device is a GPU (GPU natives are not bundled) or the natives
     *     cannot be loaded
     */
    public static TfBackend open(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        if (!options.device().type().equals("cpu")) {
            throw new BackendException("tf: device '" + options.device() + "' is not available: the GPU natives of"
                    + " TensorFlow are not bundled with fm-backend-tf (it ships tensorflow-core-native for"
                    + " linux-x86_64 CPUs only); use device=cpu");
        }
        String version;
        try {
            version = TensorFlow.version();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("tf: could not load the TensorFlow natives (" + e + "); check that"
                    + " org.tensorflow:tensorflow-core-native:1.1.0:linux-x86_64 is on the class path and that this is"
                    + " linux-x86_64", e);
        }
        TfThreads threads = TfThreads.of(options, Runtime.getRuntime().availableProcessors());
        int effective = TfThreads.claimIntraOp(threads.intraOp());
        if (effective != threads.intraOp()) {
            LOG.warn("tf: asked for {} intra-op threads, but TensorFlow's intra-op pool was already sized to {} by an"
                    + " earlier backend in this process; {} stays in effect", threads.intraOp(), effective, effective);
        }
        TfRuntime runtime = new TfRuntime(threads.intraOp(), threads.interOp());
        TfBackend backend = new TfBackend(runtime, options, threads, effective, version);
        LOG.debug("opened {}", backend.description);
        return backend;
    }

    private static String tfJavaVersion() {
        try (InputStream in = TensorFlow.class.getResourceAsStream(
                "/META-INF/maven/org.tensorflow/tensorflow-core-api/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "?");
            }
        } catch (IOException e) {
            LOG.debug("tf: could not read the TF Java version", e);
        }
        return "?";
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
        TfScope scope = scopes.push(new TfScope(this, scopes.innermost()));
        openScopes.add(scope);
        return scope;
    }

    @Override
    public Tensor fromArray(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Shapes.requireElementCount(data.length, shape);
        return constant(trace -> trace.constant(data, shape), () -> runtime.floats(data, shape));
    }

    @Override
    public Tensor fromArray(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Shapes.requireElementCount(data.length, shape);
        return constant(trace -> trace.constant(data, shape), () -> runtime.doubles(data, shape));
    }

    @Override
    public Tensor full(double value, int... shape) {
        float[] data = new float[Shapes.size(shape)];
        Arrays.fill(data, (float) value);
        return fromArray(data, shape);
    }

    /** A graph constant while a function is traced on this thread, else a tensor of the current scope. */
    private Tensor constant(Function<TfTrace, TfSymbol> traced, Supplier<TFE_TensorHandle> eager) {
        TfTrace trace = activeTrace();
        return trace != null ? traced.apply(trace) : adopt(eager, currentScope());
    }

    /** One {@code ConcatV2} of all parts ({@link TfValue#concatAll}). */
    @Override
    public Tensor concat(List<Tensor> parts, int axis) {
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        TfTrace trace = activeTrace();
        TfValue<?> first = trace != null ? trace.symbol(parts.get(0), "parts[0]") : unwrap(parts.get(0), "parts[0]");
        return first.concatAll(parts, axis);
    }

    // ---------------------------------------------------------------- stores, gradients, compiled functions

    @Override
    public TensorStore openStore() {
        checkOpen();
        TfStore store = new TfStore(this);
        openStores.add(store);
        return store;
    }

    /**
     * Symbolic gradients ({@code Graph.addGradients}): inside a function being traced (see
     * {@link #compile}) they become part of it; called eagerly, {@code f} is traced on the spot into a
     * one-off function that runs once (see {@link TfGradients}). float32 and float64 both work. The
     * results of an eager call belong to the current scope and stay valid until it closes.
     */
    @Override
    public ValueAndGradients valueAndGradients(Function<List<Tensor>, Tensor> f, List<Tensor> args) {
        checkOpen();
        return TfGradients.valueAndGradients(this, f, args);
    }

    /** As {@link #valueAndGradients}: the gradient of {@code sum(f(x) * u)} with respect to {@code x}. */
    @Override
    public Tensor vjp(UnaryOperator<Tensor> f, Tensor x, Tensor u) {
        checkOpen();
        return TfGradients.vjp(this, f, x, u);
    }

    /**
     * Traces {@code f} into a TensorFlow function once per argument signature and calls that (see
     * {@link TfCompiled}); inside another traced function, it is inlined. The functions stay
     * registered until the backend closes (at most {@value TfCompiled#MAX_SIGNATURES} per compiled
     * function), so compile once and reuse the result.
     */
    @Override
    public CompiledFunction compile(String name, FunctionKind kind, int batchArgs, TensorFunction f) {
        checkOpen();
        TfCompiled c = new TfCompiled(this, name, kind, batchArgs, f);
        compiled.add(c);
        return c;
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
    public long liveTensors() {
        long inStores = 0;
        for (TfStore store : openStores) {
            inStores += store.size();
        }
        return live.get() - inStores;
    }

    /**
     * @return every native tensor handle this backend holds: live tensors plus the models' weights
     *     and optimizer state; a run that closes its scopes keeps this number flat
     */
    public long nativeHandles() {
        return runtime.liveHandles();
    }

    /**
     * Frees every open scope's tensors and every open model, then the eager context. Idempotent. Call
     * it after the work on other threads has ended.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (TfScope scope : new ArrayList<>(openScopes)) {
                scope.releaseAll();
            }
            for (TfStore store : new ArrayList<>(openStores)) {
                store.close();
            }
            for (TfCompiled c : new ArrayList<>(compiled)) {
                c.close();
            }
            compiled.clear();
        } finally {
            runtime.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    // ---------------------------------------------------------------- package-private plumbing

    TfRuntime runtime() {
        return runtime;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the tf backend is closed");
        }
    }

    /**
     * @return the calling thread's innermost open scope
     * @throws IllegalStateException if none is open, telling the user to open one
     */
    TfScope currentScope() {
        checkOpen();
        return scopes.current();
    }

    /** @return the per-thread stacks of open scopes */
    ScopeStack<TfScope> scopes() {
        return scopes;
    }

    /** Forgets a scope that closed, so that {@link #close()} does not free it again. */
    void scopeClosed(TfScope scope) {
        openScopes.remove(scope);
    }

    /** Forgets a store that closed, so that {@link #close()} does not close it again. */
    void storeClosed(TfStore store) {
        openStores.remove(store);
    }

    /**
     * Runs a native operation and adopts its result into {@code owner}.
     *
     * @param producer makes the result handle
     * @param owner the scope or store to own the result
     * @return the wrapped result
     */
    TfTensor adopt(Supplier<TFE_TensorHandle> producer, TfOwner owner) {
        TFE_TensorHandle handle = producer.get();
        try {
            return adopt(handle, owner);
        } catch (RuntimeException e) {
            runtime.delete(handle);
            throw e;
        }
    }

    /** Wraps a fresh handle as a tensor owned by {@code owner}. */
    TfTensor adopt(TFE_TensorHandle handle, TfOwner owner) {
        return adopt(handle, runtime.shape(handle), TfRuntime.dtype(handle), owner);
    }

    /** Wraps a fresh handle whose shape and dtype are already known. */
    TfTensor adopt(TFE_TensorHandle handle, int[] shape, DType dtype, TfOwner owner) {
        TfTensor tensor = new TfTensor(this, handle, shape, dtype, owner);
        owner.add(tensor);
        live.incrementAndGet();
        return tensor;
    }

    // ---------------------------------------------------------------- traces

    /** @return the function being traced on the calling thread, or null when operations run eagerly */
    TfTrace activeTrace() {
        return traces.get();
    }

    /**
     * Starts tracing a function on the calling thread: from now on every operation of the thread on
     * this backend's tensors adds to the trace's graph.
     *
     * @param name the function's name, for messages
     * @return the trace; end it with {@link #endTrace} in a {@code finally}
     */
    TfTrace beginTrace(String name) {
        checkOpen();
        if (traces.get() != null) {
            throw new IllegalStateException("tf: '" + name + "' would be traced while '" + traces.get().name()
                    + "' is traced on the same thread");
        }
        TfTrace trace = new TfTrace(this, name);
        traces.set(trace);
        return trace;
    }

    /** Ends a trace begun by {@link #beginTrace} and frees its graph. */
    void endTrace(TfTrace trace) {
        if (traces.get() == trace) {
            traces.remove();
        }
        trace.close();
    }

    /** @return whether {@code tensor} is a symbol of the function being traced on this thread */
    boolean isSymbolOfActiveTrace(Tensor tensor) {
        return tensor instanceof TfSymbol s && s.trace() == traces.get() && s.trace().isActive();
    }

    /**
     * @param name a name given by the user
     * @return a function name unique in this backend's eager context, e.g. {@code fm_mlp_forward_3}
     */
    String functionName(String name) {
        return "fm_" + name.replaceAll("[^A-Za-z0-9_]", "_") + "_" + functionIds.incrementAndGet();
    }

    /**
     * Calls a registered traced function with its arguments and its captures.
     *
     * @param fn the function
     * @param args live tensors matching its signature
     * @return its results, owned by the caller's current scope
     * @throws IllegalStateException if no scope is open, or a captured tensor was closed since tracing
     */
    List<Tensor> call(TfGraphFunction fn, List<TfTensor> args) {
        TfScope scope = currentScope();
        List<TfTensor> captures = fn.captures();
        TFE_TensorHandle[] inputs = new TFE_TensorHandle[args.size() + captures.size()];
        for (int i = 0; i < args.size(); i++) {
            TfTensor t = args.get(i);
            t.checkUsable();
            inputs[i] = t.handle();
        }
        for (int i = 0; i < captures.size(); i++) {
            TfTensor c = captures.get(i);
            if (c.isClosed()) {
                throw new IllegalStateException("'" + fn.what() + "' uses tensor " + Arrays.toString(c.shape())
                        + ", which it did not get as an argument but captured while it was traced, and that tensor has"
                        + " been closed since; pass it as an argument of the function instead");
            }
            inputs[args.size() + i] = c.handle();
        }
        TFE_TensorHandle[] out = runtime.callFunction(fn.name(), fn.outputs(), inputs);
        List<Tensor> results = new ArrayList<>(out.length);
        int adopted = 0;
        try {
            for (; adopted < out.length; adopted++) {
                // shapes the trace fixed need no native query: a training step returns every weight
                int[] shape = fn.knownShape(adopted);
                results.add(shape == null ? adopt(out[adopted], scope)
                        : adopt(out[adopted], shape, fn.outputTypes().get(adopted), scope));
            }
        } finally {
            for (int i = adopted; i < out.length; i++) {
                runtime.delete(out[i]);
            }
        }
        return results;
    }

    void released() {
        live.decrementAndGet();
    }

    /**
     * {@link #unwrap} for {@code args[i]} on a per-call path: the argument's name is only spelled out
     * when the check fails, so a call with many arguments builds no strings.
     *
     * @param args a function's arguments
     * @param i which one
     * @param function the function's name for messages
     */
    TfTensor unwrapArgument(List<Tensor> args, int i, String function) {
        Tensor arg = args.get(i);
        if (arg instanceof TfTensor t && t.backend == this) {
            t.checkUsable();
            return t;
        }
        return unwrap(arg, "args[" + i + "] of '" + function + "'");
    }

    /**
     * @param tensor any tensor
     * @param name what it is called in messages, e.g. {@code "x"}
     * @return it as a live tensor of this backend
     * @throws IllegalArgumentException if it belongs to another backend
     * @throws IllegalStateException if it was closed
     */
    TfTensor unwrap(Tensor tensor, String name) {
        if (tensor instanceof TfSymbol s && s.backend() == this) {
            if (isSymbolOfActiveTrace(s)) {
                throw new IllegalStateException(name + " " + s + " is symbolic (a value inside '" + s.trace().name()
                        + "', which is being traced), but this call needs a tensor with values; make the call outside"
                        + " the traced function");
            }
            throw new IllegalStateException(s.ended(name));
        }
        TfTensor t = TensorChecks.unwrap(this, TfTensor.class, tensor, name);
        t.checkUsable();
        return t;
    }
}
