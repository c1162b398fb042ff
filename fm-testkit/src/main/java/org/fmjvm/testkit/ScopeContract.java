package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory contract of {@link TensorScope}: closing a scope frees its tensors, {@code keep}
 * moves a tensor to the enclosing scope, scopes close in reverse order, a tensor needs an open
 * scope, {@link Tensor#close()} frees early, a closed backend refuses work, and long loops of small steps (plain tensor work and
 * {@code trainStep}) keep {@link Backend#liveTensors()} flat.
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}. Each test starts and
 * must end with no scope open on the test thread.
 */
public abstract class ScopeContract extends BackendSuite {
    private long baseline;

    /** Records the live-tensor baseline. */
    @BeforeEach
    public final void recordBaseline() {
        baseline = backend().liveTensors();
    }

    /** Every test must give back what it took. */
    @AfterEach
    public final void checkBaseline() {
        assertThat(backend().liveTensors()).as("live tensors after the test").isEqualTo(baseline);
    }

    /** Closing a scope frees every tensor made in it, including op results. */
    @Test
    public void closingAScopeFreesItsTensors() {
        try (TensorScope scope = backend().openScope()) {
            Tensor a = backend().fromArray(new float[] {1, 2, 3}, 3);
            Tensor b = a.mul(2).add(a).exp();
            assertThat(b.size()).isEqualTo(3);
            assertThat(scope.size()).isEqualTo(4);
            assertThat(backend().liveTensors()).isEqualTo(baseline + 4);
            assertThat(scope.backend()).isSameAs(backend());
        }
        assertThat(backend().liveTensors()).isEqualTo(baseline);
    }

    /** keep() moves a tensor to the enclosing scope, where it survives the inner scope's close. */
    @Test
    public void keepMovesATensorToTheEnclosingScope() {
        try (TensorScope outer = backend().openScope()) {
            Tensor kept;
            try (TensorScope inner = backend().openScope()) {
                Tensor x = backend().fromArray(new float[] {1, 2}, 2);
                Tensor y = x.add(1);
                assertThat(inner.keep(y)).isSameAs(y);
                kept = y;
                assertThat(inner.size()).isEqualTo(1);
                assertThat(outer.size()).isEqualTo(1);
            }
            assertThat(backend().liveTensors()).isEqualTo(baseline + 1);
            assertThat(kept.toFloatArray()).containsExactly(2, 3);
            // results made after the inner scope closed belong to the outer scope again
            Tensor z = kept.mul(kept);
            assertThat(z.toFloatArray()).containsExactly(4, 9);
            assertThat(outer.size()).isEqualTo(2);
        }
        assertThat(backend().liveTensors()).isEqualTo(baseline);
    }

    /** keep() in the outermost scope has nowhere to move to. */
    @Test
    public void keepInTheOutermostScopeFails() {
        try (TensorScope scope = backend().openScope()) {
            Tensor x = backend().fromArray(new float[] {1}, 1);
            assertThatThrownBy(() -> scope.keep(x)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** keep() of a tensor owned by another scope fails. */
    @Test
    public void keepOfAForeignScopesTensorFails() {
        try (TensorScope outer = backend().openScope()) {
            Tensor x = backend().fromArray(new float[] {1}, 1);
            try (TensorScope inner = backend().openScope()) {
                assertThatThrownBy(() -> inner.keep(x)).isInstanceOf(IllegalStateException.class);
            }
            assertThat(x.toFloatArray()).containsExactly(1);
            assertThat(outer.size()).isEqualTo(1);
        }
    }

    /** Closing an outer scope while an inner one is open fails and leaves both usable. */
    @Test
    public void closingOutOfOrderFails() {
        TensorScope outer = backend().openScope();
        TensorScope inner = backend().openScope();
        Tensor x = backend().fromArray(new float[] {1, 2}, 2);
        assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class);
        assertThat(x.add(1).toFloatArray()).containsExactly(2, 3);
        inner.close();
        outer.close();
        assertThat(backend().liveTensors()).isEqualTo(baseline);
    }

    /** Closing a scope twice is harmless. */
    @Test
    public void closingAScopeTwiceIsHarmless() {
        TensorScope scope = backend().openScope();
        backend().fromArray(new float[] {1}, 1);
        scope.close();
        scope.close();
        assertThat(backend().liveTensors()).isEqualTo(baseline);
    }

    /** A closed backend refuses to open scopes; closing it twice is harmless. */
    @Test
    public void closedBackendRefusesWork() {
        Backend closed = createBackend();
        closed.close();
        closed.close();
        assertThatThrownBy(closed::openScope).isInstanceOf(IllegalStateException.class);
    }

    /** Making a tensor with no scope open is an IllegalStateException that says to open a scope. */
    @Test
    public void creatingATensorWithoutAScopeFails() {
        assertThatThrownBy(() -> backend().fromArray(new float[] {1}, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openScope");
        assertThatThrownBy(() -> backend().full(1, 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openScope");
    }

    /** Scopes are per thread: another thread has no current scope even while this one does. */
    @Test
    public void scopesArePerThread() throws InterruptedException, ExecutionException, TimeoutException {
        try (TensorScope scope = backend().openScope()) {
            backend().fromArray(new float[] {1}, 1);
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try {
                    backend().fromArray(new float[] {1}, 1);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            assertThat(other.get(60, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
            CompletableFuture<float[]> own = CompletableFuture.supplyAsync(() -> {
                try (TensorScope s = backend().openScope()) {
                    return backend().fromArray(new float[] {3, 4}, 2).mul(2).toFloatArray();
                }
            });
            assertThat(own.get(60, TimeUnit.SECONDS)).containsExactly(6, 8);
            assertThat(scope.size()).isEqualTo(1);
        }
    }

    /** Tensor.close() frees at once, removes the tensor from its scope, and is idempotent. */
    @Test
    public void tensorCloseFreesEarlyAndIsIdempotent() {
        try (TensorScope scope = backend().openScope()) {
            Tensor a = backend().fromArray(new float[] {1, 2}, 2);
            Tensor b = a.add(a);
            assertThat(backend().liveTensors()).isEqualTo(baseline + 2);
            b.close();
            assertThat(backend().liveTensors()).isEqualTo(baseline + 1);
            assertThat(scope.size()).isEqualTo(1);
            b.close();
            assertThat(backend().liveTensors()).isEqualTo(baseline + 1);
            assertThat(a.toFloatArray()).containsExactly(1, 2);
        }
        assertThat(backend().liveTensors()).isEqualTo(baseline);
    }

    /** 5,000 iterations of small ops in per-iteration scopes keep the live count flat. */
    @Test
    public void longLoopOfSmallStepsStaysFlat() {
        try (TensorScope outer = backend().openScope()) {
            Tensor x = backend().fromArray(new float[] {0, 0, 0, 0}, 2, 2);
            long start = backend().liveTensors();
            for (int i = 0; i < 5_000; i++) {
                try (TensorScope step = backend().openScope()) {
                    Tensor v = x.mul(-0.5).add(1.0).tanh();
                    Tensor next = x.add(v.mul(0.01));
                    double check = next.sum().item();
                    assertThat(check).isFinite();
                    Tensor old = x;
                    x = step.keep(next);
                    old.close();
                }
                if (i % 500 == 0) {
                    assertThat(backend().liveTensors()).as("live tensors at iteration " + i).isEqualTo(start);
                }
            }
            assertThat(backend().liveTensors()).isEqualTo(start);
            assertThat(outer.size()).isEqualTo(1);
        }
    }

    /** 300 training steps, each in its own scope with a fresh batch, keep the live count flat. */
    @Test
    public void longTrainingLoopStaysFlat() {
        ModelSpec spec = new ModelSpec(2, List.of(16, 16), Activation.SILU, new TimeEmbedding.Raw());
        Rng rng = Rng.seeded(5);
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(rng.split("init")))) {
            long start = backend().liveTensors();
            for (int i = 0; i < 300; i++) {
                try (TensorScope step = backend().openScope()) {
                    Tensor t = backend().rand(rng, 32, 1);
                    Tensor x0 = backend().randn(rng, 32, 2);
                    Tensor x1 = backend().randn(rng, 32, 2).mul(0.5).add(2);
                    Tensor xt = x1.mul(t).add(x0.mul(t.rsub(1)));
                    double loss = model.trainStep(t, xt, x1.sub(x0));
                    assertThat(loss).isFinite();
                }
                if (i % 50 == 0) {
                    assertThat(backend().liveTensors()).as("live tensors at step " + i).isEqualTo(start);
                }
            }
            assertThat(model.stepsTaken()).isEqualTo(300);
            assertThat(backend().liveTensors()).isEqualTo(start);
        }
    }
}
