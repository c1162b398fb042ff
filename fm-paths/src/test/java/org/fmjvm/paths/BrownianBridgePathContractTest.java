package org.fmjvm.paths;

import java.util.Optional;

import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/** The path contract for brownian-bridge: mean t x1 + (1 - t) x0, std sigma sqrt(t (1 - t)), fresh noise. */
class BrownianBridgePathContractTest extends PathContract {
    private static final double SIGMA = BrownianBridgePath.DEFAULT_SIGMA;

    @Override
    protected ProbabilityPath path() {
        return new BrownianBridgePath(SIGMA);
    }

    @Override
    protected Optional<GaussianMoments> gaussian() {
        return Optional.of(new GaussianMoments(Noise.GENERATOR, (x0, x1, t) -> t * x1 + (1 - t) * x0,
                t -> SIGMA * Math.sqrt(t * (1 - t))));
    }
}
