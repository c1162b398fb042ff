package org.fmjvm.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fmjvm.api.DType;
import org.fmjvm.api.FakeTensors;
import org.fmjvm.api.Tensor;
import org.junit.jupiter.api.Test;

/** The bookkeeping of keep() and close() that every backend's scopes share. */
class OwnedTensorsTest {
    private final ScopeStack<FakeTensors.Scope> stack = new ScopeStack<>();
    private final List<Tensor> released = new ArrayList<>();
    private final FakeTensors.Scope outerScope = stack.push(new FakeTensors.Scope());
    private final OwnedTensors<FakeTensors.Scope, Tensor> outer = new OwnedTensors<>(outerScope, null);
    private final FakeTensors.Scope innerScope = stack.push(new FakeTensors.Scope());
    private final OwnedTensors<FakeTensors.Scope, Tensor> inner = new OwnedTensors<>(innerScope, outer);

    private static Tensor tensor() {
        return FakeTensors.tensor(DType.FLOAT32, 2);
    }

    @Test
    void keepMovesATensorToTheEnclosingScope() {
        Tensor a = tensor();
        Tensor b = tensor();
        inner.add(a);
        inner.add(b);
        assertThat(inner.size()).isEqualTo(2);
        assertThat(inner.keep(a, innerScope)).as("the new owner").isSameAs(outerScope);
        assertThat(inner.size()).isEqualTo(1);
        assertThat(outer.size()).isEqualTo(1);
        assertThat(inner.close(stack, released::add)).isTrue();
        assertThat(released).containsExactly(b);
        assertThat(outer.close(stack, released::add)).isTrue();
        assertThat(released).containsExactly(b, a);
    }

    @Test
    void keepRefusesWhatItCannotMove() {
        Tensor a = tensor();
        outer.add(a);
        assertThatThrownBy(() -> inner.keep(a, outerScope)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to another scope");
        inner.close(stack, released::add);
        Tensor b = tensor();
        assertThatThrownBy(() -> inner.keep(b, innerScope)).isInstanceOf(IllegalStateException.class)
                .hasMessage("keep() on a closed TensorScope");
        assertThatThrownBy(() -> outer.keep(a, outerScope)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outermost");
        assertThat(outer.size()).isEqualTo(1);
        outer.close(stack, released::add);
        assertThat(released).containsExactly(a);
    }

    @Test
    void closingTwiceReleasesOnce() {
        inner.add(tensor());
        inner.remove(tensor());
        assertThat(inner.close(stack, released::add)).isTrue();
        assertThat(inner.close(stack, released::add)).isFalse();
        assertThat(released).hasSize(1);
        assertThat(inner.size()).isZero();
        assertThat(inner.isClosed()).isTrue();
        assertThat(inner).hasToString("0 tensors, closed");
        outer.close(stack, released::add);
    }

    @Test
    void closingOutOfOrderFailsAndLeavesTheScopeOpen() {
        outer.add(tensor());
        assertThatThrownBy(() -> outer.close(stack, released::add)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still open");
        assertThat(outer.isClosed()).isFalse();
        assertThat(outer.size()).isEqualTo(1);
        assertThat(released).isEmpty();
        inner.close(stack, released::add);
        outer.close(stack, released::add);
        assertThat(released).hasSize(1);
    }

    @Test
    void onlyTheOpeningThreadCloses() throws Exception {
        Throwable failure = CompletableFuture.supplyAsync(() -> {
            try {
                inner.close(stack, released::add);
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be closed on the thread that opened it");
        assertThat(inner.isClosed()).isFalse();
        inner.close(stack, released::add);
        outer.close(stack, released::add);
    }

    @Test
    void releaseAllFreesFromAnyThreadWithoutTouchingTheStacks() throws Exception {
        Tensor a = tensor();
        inner.add(a);
        CompletableFuture.runAsync(() -> inner.releaseAll(released::add)).get(60, TimeUnit.SECONDS);
        assertThat(released).containsExactly(a);
        assertThat(inner.isClosed()).isTrue();
        assertThat(stack.current()).as("still on the stack").isSameAs(innerScope);
        assertThat(inner.close(stack, released::add)).as("already closed").isFalse();
    }
}
