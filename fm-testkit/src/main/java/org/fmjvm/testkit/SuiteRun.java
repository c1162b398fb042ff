package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a contract suite (or one of its checks) against a plugin inside a test, and reports which
 * checks failed and why: how a contract is shown to catch a defect, by running it against a plugin
 * broken on purpose and asserting that exactly the check meant for the defect fails.
 *
 * <pre>{@code
 * Map<String, Throwable> failed = SuiteRun.failedChecks(LeakyEulerContractTest.class);
 * assertThat(failed).containsOnlyKeys("keepsOnlyTheFinalStateAlive");
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class SuiteRun {
    private SuiteRun() {
    }

    /**
     * What a run of a suite gave.
     *
     * @param failed each failed check's method name and what it threw, in name order
     * @param passed how many checks passed
     * @param notApplicable how many were skipped or aborted (a JUnit assumption: the check does not
     *     apply to the plugin)
     */
    public record Result(Map<String, Throwable> failed, long passed, long notApplicable) {
        /** Copies the map. */
        public Result {
            failed = Collections.unmodifiableMap(new TreeMap<>(failed));
        }
    }

    /**
     * @param suite a concrete test class, e.g. a {@link SolverContract} subclass
     * @return what running all its checks gave
     */
    public static Result run(Class<?> suite) {
        return run(selectClass(suite));
    }

    /**
     * @param suite a concrete test class
     * @param check the name of one of its test methods
     * @return what running that check gave
     */
    public static Result run(Class<?> suite, String check) {
        return run(selectMethod(suite, check));
    }

    /**
     * @param suite a concrete test class, e.g. a {@link SolverContract} subclass
     * @return each failed check's method name and what it threw, in name order; empty if all passed
     */
    public static Map<String, Throwable> failedChecks(Class<?> suite) {
        return run(suite).failed();
    }

    /**
     * @param suite a concrete test class
     * @param check the name of one of its test methods
     * @return the check's name and what it threw if it failed; empty if it passed
     */
    public static Map<String, Throwable> failedChecks(Class<?> suite, String check) {
        return run(suite, check).failed();
    }

    /**
     * Asserts that running {@code check} of {@code suite} fails, and fails for {@code reason}: how a
     * test shows that a contract catches a defect in the check meant for it.
     *
     * @param suite a contract subclass run against a plugin broken on purpose
     * @param check the check that must fail
     * @param reason a piece of the failure message that names the defect
     */
    public static void assertFailsOnlyIn(Class<?> suite, String check, String reason) {
        Map<String, Throwable> failed = failedChecks(suite, check);
        assertThat(failed).as("failed checks of %s", suite.getSimpleName()).containsOnlyKeys(check);
        assertThat(failed.get(check)).as("why %s failed for %s", check, suite.getSimpleName())
                .hasMessageContaining(reason);
    }

    private static Result run(DiscoverySelector selector) {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selector).execute().testEvents();
        Map<String, Throwable> failed = new TreeMap<>();
        tests.failed().stream().forEach(e -> failed.put(methodName(e), e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).orElse(null)));
        return new Result(failed, tests.succeeded().count(), tests.skipped().count() + tests.aborted().count());
    }

    private static String methodName(Event e) {
        return e.getTestDescriptor().getSource()
                .filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getMethodName())
                .orElse(e.getTestDescriptor().getDisplayName());
    }
}
