package com.example.fmplugin;

import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.testkit.DatasetContract;

/**
 * The framework's data set contract on this plugin's data set: shape, seeded reproducibility, and the
 * moments of a ring of radius 2 with noise 0.3: mean 0 and variance {@code 2^2 / 2 + 0.3^2} per coordinate.
 */
class RingDatasetContractTest extends DatasetContract {

    @Override
    protected Dataset dataset() {
        return new RingDataset(2, 0.3);
    }

    @Override
    protected Optional<double[]> mean() {
        return Optional.of(new double[] {0, 0});
    }

    @Override
    protected Optional<double[]> variance() {
        return Optional.of(new double[] {2.09, 2.09});
    }
}
