package org.fmjvm.api.backend;

import java.util.ArrayDeque;
import java.util.Objects;

import org.fmjvm.api.TensorScope;

/**
 * The per-thread stacks of open {@link TensorScope}s of one backend, for backend implementors.
 * Every thread has its own stack; the scope on top is the thread's <i>current</i> scope, which
 * owns every tensor the thread makes (see {@link org.fmjvm.api.Backend#openScope()}). Scopes are
 * pushed when opened and popped when closed, innermost first; the messages for a missing scope and
 * for closing out of order are the same on every backend.
 *
 * <pre>{@code
 * public TensorScope openScope() {
 *     return scopes.push(new MyScope(this, scopes.innermost()));
 * }
 * }</pre>
 *
 * <p>Thread safety: one instance per backend, shared by every thread that uses the backend; each
 * thread sees and changes only its own stack, so no locking is needed.
 *
 * @param <S> the backend's scope type
 */
public final class ScopeStack<S extends TensorScope> {
    private final ThreadLocal<ArrayDeque<S>> stacks = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * @return the calling thread's innermost open scope, or {@code null} if none is open (the
     *     enclosing scope of a scope about to be opened)
     */
    public S innermost() {
        return stacks.get().peek();
    }

    /**
     * Makes a newly opened scope the calling thread's current scope.
     *
     * @param scope the scope, opened on the calling thread
     * @param <R> the scope's type
     * @return {@code scope}
     */
    public <R extends S> R push(R scope) {
        Objects.requireNonNull(scope, "scope");
        stacks.get().push(scope);
        return scope;
    }

    /**
     * @return the calling thread's innermost open scope
     * @throws IllegalStateException if none is open, telling the user to open one
     */
    public S current() {
        S scope = stacks.get().peek();
        if (scope == null) {
            throw new IllegalStateException("No TensorScope is open on thread '" + Thread.currentThread().getName()
                    + "': every tensor belongs to a scope; wrap the work in"
                    + " try (TensorScope scope = backend.openScope()) { ... }");
        }
        return scope;
    }

    /**
     * Removes a closing scope from the calling thread's stack. It must be the innermost; otherwise
     * nothing changes.
     *
     * @param scope the scope being closed
     * @throws IllegalStateException if a scope opened inside it is still open, or if it is not open
     *     on the calling thread
     */
    public void pop(S scope) {
        ArrayDeque<S> stack = stacks.get();
        if (stack.peek() != scope) {
            throw new IllegalStateException(stack.contains(scope)
                    ? "a TensorScope opened inside this one is still open; close scopes in reverse order of opening"
                            + " (try-with-resources does)"
                    : "this TensorScope belongs to another thread; scopes are confined to the thread that opened them");
        }
        stack.pop();
    }
}
