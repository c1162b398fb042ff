package org.fmjvm.paths;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;

/** The path contract for cond-ot. */
class CondOtPathContractTest extends BuiltInPathContract {
    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new CondOtScheduler());
    }
}
