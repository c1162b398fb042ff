package org.fmjvm.paths;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;

/** The path contract for cosine. */
class CosinePathContractTest extends BuiltInPathContract {
    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new CosineScheduler());
    }
}
