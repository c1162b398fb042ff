package org.fmjvm.examples.parity;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;

/**
 * Run in a child JVM by {@link BackendSelectionTest}: bootstraps the default configuration (no
 * backend named), proves the backend works with one tensor operation, and prints its name.
 */
public final class PrintDefaultBackend {

    private PrintDefaultBackend() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults())) {
            try (TensorScope scope = fm.backend().openScope()) {
                Tensor t = fm.backend().fromArray(new float[] {1, 2, 3}, 3).mul(2);
                System.out.println("backend=" + fm.backend().name() + " sum=" + t.sum().item());
            }
        }
    }
}
