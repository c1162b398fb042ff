package org.fmjvm.paths;

import org.fmjvm.api.Backend;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.fmjvm.testkit.PathContract;

/** The path contract on the preferred backend of the test class path (DJL here). */
abstract class BuiltInPathContract extends PathContract {
    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }
}
