package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.fmjvm.api.Backend;
import org.fmjvm.api.TensorScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link BackendSuite} whose every test runs inside its own scope: the scope is opened before
 * the test and closed after it, and the test must leave {@link Backend#liveTensors()} where it
 * found it.
 */
public abstract class ScopedBackendSuite extends BackendSuite {
    private TensorScope scope;
    private long baseline;

    /** Opens the test's scope and records the live-tensor baseline. */
    @BeforeEach
    public final void openScope() {
        baseline = backend().liveTensors();
        scope = backend().openScope();
    }

    /** Closes the test's scope and checks nothing leaked. */
    @AfterEach
    public final void closeScope() {
        scope.close();
        assertThat(backend().liveTensors()).as("live tensors after closing the test's scope").isEqualTo(baseline);
    }

    /** @return the live-tensor count before the test's scope was opened */
    protected final long baseline() {
        return baseline;
    }
}
