package org.fmjvm.core.coupling;

import static org.assertj.core.api.Assertions.assertThat;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.random.Rng;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;

/** The exact minibatch OT pairing never costs more than the independent one, and equals the assignment optimum. */
class MinibatchOtCouplingTest {

    @Test
    void neverCostsMoreThanIndependentPairing() {
        try (Backend backend = BackendsOnClassPath.openPreferred(); TensorScope scope = backend.openScope()) {
            for (int seed = 0; seed < 20; seed++) {
                int b = 1 + seed * 7;
                int d = 1 + seed % 4;
                Rng rng = Rng.seeded(seed);
                double[] s = new double[b * d];
                double[] t = new double[b * d];
                for (int k = 0; k < s.length; k++) {
                    s[k] = rng.nextGaussian();
                    t[k] = 2 * rng.nextGaussian() + 1;
                }
                Tensor x0 = backend.fromArray(s, DType.FLOAT64, b, d);
                Tensor x1 = backend.fromArray(t, DType.FLOAT64, b, d);
                double independent = cost(x0.toDoubleArray(), x1.toDoubleArray());
                CoupledBatch ot = new MinibatchOtCoupling().pair(x0, x1, Rng.seeded(1));
                double paired = cost(ot.x0().toDoubleArray(), ot.x1().toDoubleArray());
                assertThat(paired).as("B = %d, D = %d", b, d).isLessThanOrEqualTo(independent + 1e-9);
                double[] c = SquaredDistances.of(x0, x1, "test");
                double optimum = LinearAssignment.totalCost(c, b, LinearAssignment.solve(c, b));
                assertThat(paired).as("B = %d: the exact optimum", b).isCloseTo(optimum, org.assertj.core.data.Offset.offset(1e-4 * (1 + optimum)));
            }
        }
    }

    private static double cost(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return sum;
    }
}
