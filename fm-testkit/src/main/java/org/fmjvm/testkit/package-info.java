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
 * The suites use fm-api only, so the same tests run unchanged against every backend.
 */
package org.fmjvm.testkit;
