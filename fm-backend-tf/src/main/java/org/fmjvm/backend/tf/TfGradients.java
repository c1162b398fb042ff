package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.autodiff.ValueAndGradients;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * {@link TfBackend#valueAndGradients} and {@link TfBackend#vjp}: symbolic gradients
 * ({@link TfTrace#gradients}, i.e. {@code Graph.addGradients}).
 *
 * <p>Inside a function being traced the gradients are added to that function's graph and returned
 * as symbols. Called eagerly, the function is traced on the spot into a one-off TensorFlow function
 * (placeholders of the arguments' exact shapes, captures as usual), which runs once and is removed
 * again; its results belong to the caller's current scope. To differentiate repeatedly, put the
 * gradient computation inside a function given to {@link TfBackend#compile}, which traces it once.
 *
 * <p>Which operations can be differentiated is decided by TensorFlow's C++ gradient registry; all
 * operations of fm-api's op set have a gradient there, except that {@code oneHot} has none with
 * respect to the class ids (there is nothing to differentiate).
 *
 * <p>Stateless.
 */
final class TfGradients {
    private TfGradients() {
    }

    /**
     * @param backend the backend
     * @param f a scalar function
     * @param args the points
     * @return its value (shape {@code []}) and gradients
     */
    static ValueAndGradients valueAndGradients(TfBackend backend, Function<List<Tensor>, Tensor> f,
            List<Tensor> args) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(args, "args");
        TfTrace active = backend.activeTrace();
        if (active != null) {
            List<TfSymbol> xs = new ArrayList<>(args.size());
            for (int i = 0; i < args.size(); i++) {
                xs.add(active.symbol(args.get(i), "args[" + i + "]"));
            }
            List<TfSymbol> out = symbolic(active, f, xs);
            return new ValueAndGradients(out.get(0), List.copyOf(out.subList(1, out.size())));
        }
        List<TfTensor> eager = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            eager.add(backend.unwrap(args.get(i), "args[" + i + "]"));
        }
        List<Tensor> out = once(backend, "value_and_gradients", eager, trace -> {
            List<TfSymbol> xs = new ArrayList<>(eager.size());
            for (TfTensor x : eager) {
                xs.add(trace.argument(x.dtype(), x.shape()));
            }
            return symbolic(trace, f, xs);
        });
        return new ValueAndGradients(out.get(0), out.subList(1, out.size()));
    }

    /**
     * @param backend the backend
     * @param f the function
     * @param x the point
     * @param u the cotangent, broadcastable to {@code f(x)}
     * @return {@code u^T df/dx}, shaped like {@code x}
     */
    static Tensor vjp(TfBackend backend, UnaryOperator<Tensor> f, Tensor x, Tensor u) {
        Objects.requireNonNull(f, "f");
        TfTrace active = backend.activeTrace();
        if (active != null) {
            return symbolicVjp(active, f, active.symbol(x, "x"), active.symbol(u, "u"));
        }
        TfTensor ex = backend.unwrap(x, "x");
        TfTensor eu = backend.unwrap(u, "u");
        return once(backend, "vjp", List.of(ex, eu), trace -> List.of(symbolicVjp(trace,
                f, trace.argument(ex.dtype(), ex.shape()), trace.argument(eu.dtype(), eu.shape())))).get(0);
    }

    // ---------------------------------------------------------------- helpers

    /** @return the value as a scalar, then one gradient per point */
    private static List<TfSymbol> symbolic(TfTrace trace, Function<List<Tensor>, Tensor> f, List<TfSymbol> xs) {
        Tensor result = f.apply(List.copyOf(xs));
        Objects.requireNonNull(result, "valueAndGradients: f returned null");
        TfSymbol y = trace.symbol(result, "the result of f");
        int[] shape = y.shape();
        if (!TfShapeRules.known(shape) || Shapes.size(shape) != 1) {
            throw new ShapeMismatchException("valueAndGradients: f must return one element (a scalar loss), got shape "
                    + Shapes.describe(shape) + "; reduce it with sum() or mean()");
        }
        List<TfSymbol> out = new ArrayList<>(xs.size() + 1);
        out.add(shape.length == 0 ? y : (TfSymbol) y.reshape());
        out.addAll(trace.gradients(y, xs));
        return out;
    }

    private static TfSymbol symbolicVjp(TfTrace trace, UnaryOperator<Tensor> f, TfSymbol x, TfSymbol u) {
        Tensor result = f.apply(x);
        Objects.requireNonNull(result, "vjp: f returned null");
        TfSymbol y = trace.symbol(result, "the result of f");
        TensorChecks.requireSameDType("vjp", y, u);
        TfShapeRules.broadcast("vjp (cotangent u against f(x))", y.shape(), u.shape());
        TfSymbol s = (TfSymbol) y.mul(u).sum();
        return trace.gradients(s, List.of(x)).get(0);
    }

    /** What a one-off trace computes. */
    @FunctionalInterface
    private interface Body {
        List<TfSymbol> build(TfTrace trace);
    }

    /**
     * Traces {@code body} into a function, runs it once on {@code args}, removes it.
     *
     * @return its results, in the caller's current scope
     */
    private static List<Tensor> once(TfBackend backend, String what, List<TfTensor> args, Body body) {
        backend.currentScope(); // fail before tracing if there is nowhere to put the results
        TfGraphFunction fn;
        TfTrace trace = backend.beginTrace(what);
        try {
            fn = trace.finish(backend.functionName(what), body.build(trace));
        } catch (TensorFlowException e) {
            throw new BackendException("tf: TensorFlow could not differentiate (" + what + "): " + e.getMessage(), e);
        } finally {
            backend.endTrace(trace);
        }
        backend.runtime().addFunction(fn.definition(), what);
        try {
            return backend.call(fn, args);
        } finally {
            backend.runtime().removeFunction(fn.name());
        }
    }
}
