package org.fmjvm.paths;

import java.util.EnumSet;
import java.util.Set;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/** The path contract for vp with its defaults; at t = 0 it is not pure noise, so only the data end is promised. */
class VpPathContractTest extends PathContract {
    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new VpScheduler());
    }

    @Override
    protected Set<Boundary> boundaries() {
        return EnumSet.of(Boundary.DATA_AT_ONE);
    }
}
