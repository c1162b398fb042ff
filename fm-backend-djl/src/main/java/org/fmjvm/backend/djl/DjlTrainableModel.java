package org.fmjvm.backend.djl;

import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.ForwardingVelocityModel;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;

/**
 * A trainable velocity model of the {@code djl} backend: {@link DjlMlp} whose weights record
 * gradients, plus {@link DjlAdam}; inference calls go to the network. One {@link #trainStep}: build
 * the input, forward inside a gradient section, {@code loss = mean_b sum_d (v - dxt)^2}, backward,
 * one Adam update per parameter, gradients zeroed; every temporary lives in a per-step manager
 * closed before returning. Adam's moments live in the network's manager and are freed with it.
 *
 * <p>Not thread-safe: a single-threaded session.
 */
final class DjlTrainableModel implements TrainableModel, ForwardingVelocityModel {
    private final DjlMlp mlp;
    private final DjlAdam adam;

    DjlTrainableModel(DjlMlp mlp, OptimizerSpec optimizer) {
        this.mlp = mlp;
        try {
            this.adam = new DjlAdam(optimizer, mlp.parameters(), mlp.manager());
        } catch (EngineException e) {
            mlp.close();
            throw mlp.backend().nativeFailure("newTrainableModel", e);
        }
    }

    @Override
    public VelocityModel network() {
        return mlp;
    }

    @Override
    public OptimizerSpec optimizer() {
        return adam.spec();
    }

    @Override
    public double trainStep(Tensor tIn, Tensor xtIn, Tensor dxtIn) {
        DjlBackend backend = mlp.backend();
        DjlTensor t = backend.unwrap(tIn, "t");
        DjlTensor xt = backend.unwrap(xtIn, "xt");
        DjlTensor dxt = backend.unwrap(dxtIn, "dxt");
        mlp.checkOpen();
        int batch = ModelInputs.checkTraining(mlp.spec(), t, xt, dxt);
        try (ThreadGovernor.Call call = backend.governor().begin(ThreadGovernor.Workload.TRAIN_STEP, batch);
                PtNDManager step = mlp.temporary()) {
            NativeThreads.use(call.threads());
            PtNDArray loss = GradientSections.run(backend.engine(), collector -> {
                PtNDArray v = mlp.forward(t.array(), xt.array(), step, true);
                PtNDArray l = DjlMlp.lossOf(v, dxt.array(), call.threads());
                collector.backward(l);
                return l;
            });
            double value = loss.toFloatArray()[0];
            adam.step(step, call.threads());
            return value;
        } catch (EngineException e) {
            throw backend.nativeFailure("trainStep", e);
        }
    }

    @Override
    public double loss(Tensor t, Tensor xt, Tensor dxt) {
        return mlp.loss(t, xt, dxt);
    }

    @Override
    public long stepsTaken() {
        return adam.steps();
    }

    @Override
    public void setLearningRate(double learningRate) {
        adam.learningRate(learningRate);
    }

    @Override
    public double learningRate() {
        return adam.learningRate();
    }

    @Override
    public OptimizerState optimizerState() {
        mlp.checkOpen();
        try {
            return adam.state(mlp.spec());
        } catch (EngineException e) {
            throw mlp.backend().nativeFailure("optimizerState", e);
        }
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        java.util.Objects.requireNonNull(state, "state");
        mlp.checkOpen();
        try {
            adam.restore(mlp.spec(), state);
        } catch (EngineException e) {
            throw mlp.backend().nativeFailure("restoreOptimizerState", e);
        }
    }

    @Override
    public String toString() {
        return mlp + ", " + adam.spec();
    }
}
