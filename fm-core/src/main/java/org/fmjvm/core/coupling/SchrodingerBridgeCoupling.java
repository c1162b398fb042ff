package org.fmjvm.core.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.random.Rng;

/**
 * The Schroedinger-bridge coupling of SB-CFM (Tong et al., 2024): the static Schroedinger bridge
 * between the batch's points for Brownian motion of noise scale {@code sigma} is the entropic OT
 * plan on the raw squared Euclidean cost with {@code eps = 2 sigma^2} (no normalisation of the
 * cost). Pairs are drawn from it without replacement, as in {@link SinkhornCoupling}. Train it with
 * the {@code brownian-bridge} path of the same {@code sigma}; the bootstrap checks that.
 *
 * <p>Uses {@code rng} for the draw. Immutable and thread-safe.
 */
public final class SchrodingerBridgeCoupling implements Coupling {

    /** Default {@code sigma}, the default of the {@code brownian-bridge} path. */
    public static final double DEFAULT_SIGMA = 0.5;

    private final double sigma;

    /**
     * @param sigma noise scale of the bridge, {@code > 0}
     * @throws IllegalArgumentException if {@code sigma} is not a finite number {@code > 0}
     */
    public SchrodingerBridgeCoupling(double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("schrodinger-bridge: sigma must be a finite number > 0, got " + sigma);
        }
        this.sigma = sigma;
    }

    /** @return the bridge's noise scale */
    public double sigma() {
        return sigma;
    }

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        double[] cost = SquaredDistances.of(x0, x1, "schrodinger-bridge");
        int[] perm = plan(cost, x0.shape()[0]).samplePermutation(rng);
        return new CoupledBatch(x0, x1.gatherRows(perm));
    }

    /** @return the entropic plan with {@code eps = 2 sigma^2} on the raw cost */
    EntropicPlan plan(double[] cost, int n) {
        return EntropicPlan.solve(cost, n, 2 * sigma * sigma, SinkhornCoupling.DEFAULT_MAX_ITER,
                SinkhornCoupling.DEFAULT_TOL);
    }

    @Override
    public String describe() {
        return "schrodinger-bridge: entropic OT plan with eps = 2 sigma^2 = " + (2 * sigma * sigma)
                + " on squared distances (sigma " + sigma + "), pairs drawn without replacement";
    }

    @Override
    public String toString() {
        return describe();
    }
}
