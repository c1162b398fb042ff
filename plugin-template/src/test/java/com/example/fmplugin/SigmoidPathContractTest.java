package com.example.fmplugin;

import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/**
 * The framework's path contract on this plugin's path: end values, derivatives against finite
 * differences, the six parameterisation conversions, shapes, dtypes and determinism. Every path
 * plugin can run it the same way.
 */
class SigmoidPathContractTest extends PathContract {

    @Override
    protected ProbabilityPath path() {
        return new AffinePath(new SigmoidScheduler(8));
    }
}
