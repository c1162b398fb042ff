package org.fmjvm.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fmjvm.api.FakeTensors;
import org.junit.jupiter.api.Test;

/** Per-thread stacks of open scopes: innermost on top, popped innermost first, invisible to other threads. */
class ScopeStackTest {
    private final ScopeStack<FakeTensors.Scope> stack = new ScopeStack<>();

    @Test
    void withoutAScopeThereIsNoCurrentOne() {
        assertThat(stack.innermost()).isNull();
        assertThatThrownBy(stack::current).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No TensorScope is open on thread '" + Thread.currentThread().getName() + "'")
                .hasMessageContaining("backend.openScope()");
    }

    @Test
    void theInnermostScopeIsCurrentUntilPopped() {
        FakeTensors.Scope outer = stack.push(new FakeTensors.Scope());
        FakeTensors.Scope inner = stack.push(new FakeTensors.Scope());
        assertThat(stack.current()).isSameAs(inner);
        assertThat(stack.innermost()).isSameAs(inner);
        stack.pop(inner);
        assertThat(stack.current()).isSameAs(outer);
        stack.pop(outer);
        assertThat(stack.innermost()).isNull();
    }

    @Test
    void poppingOutOfOrderFailsAndChangesNothing() {
        FakeTensors.Scope outer = stack.push(new FakeTensors.Scope());
        FakeTensors.Scope inner = stack.push(new FakeTensors.Scope());
        assertThatThrownBy(() -> stack.pop(outer)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("opened inside this one is still open");
        assertThat(stack.current()).isSameAs(inner);
        assertThatThrownBy(() -> stack.pop(new FakeTensors.Scope())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to another thread");
        stack.pop(inner);
        stack.pop(outer);
    }

    @Test
    void everyThreadHasItsOwnStack() throws Exception {
        FakeTensors.Scope mine = stack.push(new FakeTensors.Scope());
        FakeTensors.Scope[] seen = CompletableFuture.supplyAsync(() -> {
            FakeTensors.Scope before = stack.innermost();
            FakeTensors.Scope theirs = stack.push(new FakeTensors.Scope());
            FakeTensors.Scope current = stack.current();
            stack.pop(theirs);
            return new FakeTensors.Scope[] {before, current, theirs};
        }).get(60, TimeUnit.SECONDS);
        assertThat(seen[0]).as("another thread's innermost scope").isNull();
        assertThat(seen[1]).isSameAs(seen[2]);
        assertThat(stack.current()).isSameAs(mine);
        assertThatThrownBy(() -> stack.pop(seen[2])).isInstanceOf(IllegalStateException.class);
        stack.pop(mine);
    }
}
