package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;

/**
 * The model functions registered in one backend's eager context, built on first use and shared by
 * every model of the same architecture (and, for training, the same optimizer constants): building
 * and instantiating a function costs tens of milliseconds, calling it microseconds. Functions stay
 * registered until the backend closes; their number is bounded by the distinct architectures used.
 *
 * <p>Thread-safe.
 */
final class TfFunctions implements AutoCloseable {

    /** What a function depends on besides its kind. */
    private record Key(TfMlpGraph.Kind kind, ModelSpec spec, double beta1, double beta2, double epsilon,
            double weightDecay, boolean decoupled, double maxGradNorm) {
    }

    private final TfRuntime runtime;
    private final Map<Key, TfMlpGraph.Built> functions = new ConcurrentHashMap<>();

    TfFunctions(TfRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @param kind which function
     * @param spec the architecture
     * @param optimizer the optimizer, for {@link TfMlpGraph.Kind#TRAIN} (its learning rate is an
     *     argument of the function, not part of it); ignored otherwise
     * @return the registered function
     */
    TfMlpGraph.Built get(TfMlpGraph.Kind kind, ModelSpec spec, OptimizerSpec optimizer) {
        Objects.requireNonNull(spec, "spec");
        Key key = kind == TfMlpGraph.Kind.TRAIN
                ? new Key(kind, spec, optimizer.beta1(), optimizer.beta2(), optimizer.epsilon(), optimizer.weightDecay(),
                        optimizer.decoupledWeightDecay(), optimizer.maxGradNorm())
                : new Key(kind, spec, 0, 0, 0, 0, false, 0);
        return functions.computeIfAbsent(key, k -> {
            TfMlpGraph.Built built = TfMlpGraph.build(kind, spec, optimizer);
            runtime.addFunction(built.definition(), kind + " function of " + spec.describe());
            return built;
        });
    }

    /** Removes every function from the context. */
    @Override
    public void close() {
        List<TfMlpGraph.Built> all = new ArrayList<>(functions.values());
        functions.clear();
        for (TfMlpGraph.Built f : all) {
            runtime.removeFunction(f.name());
        }
    }
}
