package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.TensorFunction;
import org.fmjvm.api.error.BackendException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * A {@link CompiledFunction} of the {@code tf} backend: the user's {@link TensorFunction} traced
 * ({@link TfTrace}) into a TensorFlow function once per argument signature, registered in the
 * backend's eager context and then called like one operation.
 *
 * <p><b>Signatures.</b> The dtype and shape of every argument, with axis 0 of the first
 * {@code batchArgs} arguments open ({@code -1}): calls that differ only in batch size share one
 * function; a new signature traces again. At most {@value #MAX_SIGNATURES} functions are kept per
 * compiled function, the least recently used is removed from the context beyond that; all are
 * removed when the backend closes. Compile once and call many times: each {@code compile} keeps its
 * own functions until the backend closes.
 *
 * <p><b>Calls.</b> The arguments' handles (scope or store tensors) and the handles of the tensors
 * the trace captured go straight into the function, with no copy; the results are adopted by the
 * caller's current scope, and nothing else stays behind. Called while another function is being
 * traced on the thread, the function is inlined: {@code f} runs on the symbols, so compiled
 * functions compose and can be differentiated through.
 *
 * <p>{@link FunctionKind} does not change anything on TensorFlow (threads are per backend, and
 * gradients are graph operations wherever the function asks for them). Used by one thread at a
 * time.
 */
final class TfCompiled implements CompiledFunction {
    /** The most signatures kept per compiled function. */
    static final int MAX_SIGNATURES = 32;

    private final TfBackend backend;
    private final String name;
    private final FunctionKind kind;
    private final int batchArgs;
    private final TensorFunction f;
    private final Map<String, Traced> functions = new LinkedHashMap<>(16, 0.75f, true);
    /** The function of the latest call: a repeated signature is matched without building its key. */
    private Traced last;
    private int traces;
    private boolean closed;

    TfCompiled(TfBackend backend, String name, FunctionKind kind, int batchArgs, TensorFunction f) {
        this.backend = backend;
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.f = Objects.requireNonNull(f, "f");
        if (batchArgs < 0) {
            throw new IllegalArgumentException("compile '" + name + "': batchArgs must be >= 0, got " + batchArgs);
        }
        this.batchArgs = batchArgs;
    }

    @Override
    public List<Tensor> call(List<Tensor> args) {
        Objects.requireNonNull(args, "args");
        backend.checkOpen();
        if (args.size() < batchArgs) {
            throw new IllegalArgumentException("compiled function '" + name + "' was compiled with batchArgs="
                    + batchArgs + " but got " + args.size() + " arguments");
        }
        TfTrace active = backend.activeTrace();
        if (active != null) {
            return inline(active, args);
        }
        List<TfTensor> eager = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            eager.add(backend.unwrapArgument(args, i, name));
        }
        TfGraphFunction fn;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the tf backend is closed");
            }
            fn = lookUp(eager);
        }
        return backend.call(fn, eager);
    }

    /** @return how many times the function was traced (one per new signature) */
    synchronized int traces() {
        return traces;
    }

    /** @return how many traced functions are registered now */
    synchronized int cached() {
        return functions.size();
    }

    /** Removes every traced function from the eager context (the backend is closing). */
    synchronized void close() {
        closed = true;
        for (Traced t : functions.values()) {
            backend.runtime().removeFunction(t.fn().name());
        }
        functions.clear();
        last = null;
    }

    @Override
    public String toString() {
        return "TfCompiled['" + name + "', " + kind + ", batchArgs " + batchArgs + "]";
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A traced function with the argument types and shapes it was traced for (batch axes {@code -1}).
     */
    private record Traced(TfGraphFunction fn, DType[] types, int[][] shapes) {
        /** @return whether {@code args} have this signature; reads the shapes without copying them */
        boolean accepts(List<TfTensor> args, int batchArgs) {
            if (args.size() != types.length) {
                return false;
            }
            for (int i = 0; i < types.length; i++) {
                TfTensor a = args.get(i);
                int[] want = shapes[i];
                int[] have = a.shape;
                if (a.dtype != types[i] || have.length != want.length) {
                    return false;
                }
                for (int k = i < batchArgs ? 1 : 0; k < want.length; k++) {
                    if (have[k] != want[k]) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** @return the function for the arguments' signature, traced now if it is new */
    private TfGraphFunction lookUp(List<TfTensor> args) {
        if (last != null && last.accepts(args, batchArgs)) {
            return last.fn();
        }
        DType[] types = new DType[args.size()];
        int[][] shapes = new int[args.size()][];
        for (int i = 0; i < args.size(); i++) {
            types[i] = args.get(i).dtype();
            shapes[i] = argumentShape(args.get(i), i);
        }
        String key = key(types, shapes);
        Traced t = functions.get(key);
        if (t == null) {
            t = new Traced(trace(types, shapes), types, shapes);
            traces++;
            functions.put(key, t);
            evictBeyondLimit();
        }
        last = t;
        return t.fn();
    }

    /** The signature as a map key, e.g. {@code f32[-1,2]f32[2,4]}. */
    private static String key(DType[] types, int[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.length; i++) {
            sb.append(types[i] == DType.FLOAT32 ? "f32" : "f64").append('[');
            for (int k = 0; k < shapes[i].length; k++) {
                sb.append(k > 0 ? "," : "").append(shapes[i][k]);
            }
            sb.append(']');
        }
        return sb.toString();
    }

    private int[] argumentShape(TfTensor arg, int i) {
        int[] shape = arg.shape();
        if (i < batchArgs) {
            if (shape.length == 0) {
                throw new IllegalArgumentException("compiled function '" + name + "': args[" + i + "] is a scalar, but"
                        + " the first " + batchArgs + " arguments have a batch axis 0 (batchArgs=" + batchArgs
                        + "); pass it with shape [B, ...] or compile with a smaller batchArgs");
            }
            shape[0] = -1;
        }
        return shape;
    }

    /** Traces the function for arguments of these dtypes and shapes (batch axes {@code -1}). */
    private TfGraphFunction trace(DType[] types, int[][] shapes) {
        TfGraphFunction fn;
        TfTrace trace = backend.beginTrace(name);
        try {
            List<Tensor> symbols = new ArrayList<>(types.length);
            for (int i = 0; i < types.length; i++) {
                symbols.add(trace.argument(types[i], shapes[i]));
            }
            List<Tensor> results = f.apply(Collections.unmodifiableList(symbols));
            Objects.requireNonNull(results, () -> "compiled function '" + name + "' returned null instead of a list");
            List<TfSymbol> outputs = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                Tensor r = Objects.requireNonNull(results.get(i), "result " + i + " of '" + name + "'");
                outputs.add(trace.symbol(r, "result " + i + " of '" + name + "'"));
            }
            fn = trace.finish(backend.functionName(name), outputs);
        } catch (TensorFlowException e) {
            throw new BackendException("tf: TensorFlow could not trace '" + name + "': " + e.getMessage(), e);
        } finally {
            backend.endTrace(trace);
        }
        backend.runtime().addFunction(fn.definition(), "compiled function '" + name + "'");
        return fn;
    }

    private List<Tensor> inline(TfTrace active, List<Tensor> args) {
        List<Tensor> symbols = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            symbols.add(active.symbol(args.get(i), "args[" + i + "] of '" + name + "'"));
        }
        List<Tensor> results = f.apply(Collections.unmodifiableList(symbols));
        Objects.requireNonNull(results, () -> "compiled function '" + name + "' returned null instead of a list");
        List<Tensor> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            out.add(active.symbol(Objects.requireNonNull(results.get(i), "result " + i + " of '" + name + "'"),
                    "result " + i + " of '" + name + "'"));
        }
        return out;
    }

    private void evictBeyondLimit() {
        Iterator<Traced> it = functions.values().iterator();
        while (functions.size() > MAX_SIGNATURES && it.hasNext()) {
            Traced eldest = it.next();
            it.remove();
            if (eldest == last) {
                last = null;
            }
            backend.runtime().removeFunction(eldest.fn().name());
        }
    }
}
