package org.fmjvm.paths;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/** The path contract for poly, n = 1/2 (speed infinite at t = 0). */
class PolySqrtPathContractTest extends PathContract {
    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new PolynomialScheduler(0.5));
    }
}
