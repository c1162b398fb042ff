package org.fmjvm.core.coupling;

import java.nio.file.Path;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.testkit.CouplingContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coupling contract for reflow computed on the fly (pairs = 0): shapes and dtypes, reproducibility,
 * scope rules and shape errors. Its x1 is the teacher's output, not a row of the data batch, so the
 * row check does not apply.
 */
class ReflowCouplingContractTest extends CouplingContract {

    @TempDir
    static Path tmp;

    private static Path teacher;
    private ReflowCoupling coupling;

    @BeforeAll
    static void writeTeacher() {
        teacher = ReflowCouplingTest.teacher(tmp.resolve("teacher"), "standard-normal");
    }

    @Override
    protected Coupling coupling() {
        if (coupling == null) {
            coupling = new ReflowCoupling(teacher, 10, ReflowCoupling.Method.RK4, 0);
        }
        return coupling;
    }

    @AfterEach
    void closeTeacher() {
        if (coupling != null) {
            coupling.close();
        }
    }

    /** Not run (overridden without {@code @Test}): reflow's x1 is the teacher's endpoint of x0, not a data row. */
    @Override
    public void pairsRowsOfTheInputs() {
    }
}
