/** Contract suites (abstract JUnit 5 classes) that every backend, path and solver plugin can run against itself. */
package org.fmjvm.testkit;
