package org.fmjvm.testkit;

import org.fmjvm.api.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The lifecycle every contract suite shares: one backend per test class, made by
 * {@link #createBackend()} before the first test and closed after the last.
 *
 * <p>A backend module extends the suites built on it ({@link TensorContract},
 * {@link ScopeContract}, {@link RandomContract}, {@link ModelContract}, {@link MemoryContract}),
 * implementing {@link #createBackend()} once per suite. A plugin test that only needs some backend (a path, a
 * solver) may extend this class directly and return {@link BackendsOnClassPath#openPreferred()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendSuite {
    private Backend backend;

    /**
     * @return a freshly opened backend; the suite closes it after the last test. A test may call
     *     it again for a backend of its own, which it closes itself.
     */
    protected abstract Backend createBackend();

    /** Opens the backend once for the suite. */
    @BeforeAll
    public final void openBackend() {
        backend = createBackend();
    }

    /** Closes the backend. */
    @AfterAll
    public final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** @return the suite's backend, open from before the first test until after the last */
    protected final Backend backend() {
        return backend;
    }
}
