/**
 * Contract suites (abstract JUnit 5 classes) that every backend runs against itself, the
 * plain-Java float64 references they compare with ({@link org.fmjvm.testkit.ReferenceMlp},
 * {@link org.fmjvm.testkit.ReferenceAdam}), and helpers for path and solver plugin tests.
 *
 * <p>A backend module adds one small test class per suite:
 *
 * <pre>{@code
 * class MyTensorContractTest extends TensorContract {
 *     protected Backend createBackend() { return MyBackend.open(); }
 * }
 * }</pre>
 *
 * The suites share one lifecycle, {@link org.fmjvm.testkit.BackendSuite} (the backend opened once
 * per suite and closed after it) and, for suites whose tests each run in their own scope,
 * {@link org.fmjvm.testkit.ScopedBackendSuite}. They use fm-api only, so the same tests run
 * unchanged against every backend. {@link org.fmjvm.testkit.MemoryContract} also takes the
 * backend's own count of native resources. {@link org.fmjvm.testkit.Workloads} holds the tutorial
 * workloads that every backend's thread-invariance tests and benchmarks run alike, and
 * {@link org.fmjvm.testkit.ChildJvm} runs a test's {@code main} class in a fresh JVM, for
 * process-wide native state.
 *
 * <p>Plugin authors run {@link org.fmjvm.testkit.PathContract} against their own probability path:
 * one small subclass naming the path (and, for a Gaussian path, its mean and std formulas) checks
 * shapes, dtypes, reproducibility, the ends of [0, 1], an affine schedule's derivatives and
 * conversions, or a stochastic path's statistics, on the backend that
 * {@link org.fmjvm.testkit.BackendsOnClassPath} finds. {@link org.fmjvm.testkit.SolverContract}
 * does the same for an ODE solver (exact solutions, convergence order, evaluation counts,
 * trajectories, tensor scopes) and {@link org.fmjvm.testkit.CouplingContract} for a coupling
 * (pairing of the input rows, reproducibility, tensor scopes, optionally a lower transport cost);
 * both open that backend themselves, so a subclass is one method long.
 * {@link org.fmjvm.testkit.DatasetContract} checks a data set (shape, seeded reproducibility, and
 * optionally its moments) without a backend.
 */
package org.fmjvm.testkit;
