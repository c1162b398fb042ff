package org.fmjvm.paths;

import java.util.Optional;

import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.testkit.PathContract;

/** The path contract for gaussian-ot: mean t x1, std 1 - (1 - sigma_min) t, the source points as the noise. */
class GaussianOtPathContractTest extends PathContract {
    private static final double SIGMA_MIN = GaussianOtPath.DEFAULT_SIGMA_MIN;

    @Override
    protected ProbabilityPath path() {
        return new GaussianOtPath(SIGMA_MIN);
    }

    @Override
    protected Optional<GaussianMoments> gaussian() {
        return Optional.of(new GaussianMoments(Noise.SOURCE, (x0, x1, t) -> t * x1, t -> 1 - (1 - SIGMA_MIN) * t));
    }
}
