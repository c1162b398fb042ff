package org.fmjvm.paths;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/** The path contract for linear-vp. */
class LinearVpPathContractTest extends PathContract {
    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new LinearVpScheduler());
    }
}
