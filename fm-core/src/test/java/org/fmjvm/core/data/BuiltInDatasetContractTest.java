package org.fmjvm.core.data;

import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.testkit.DatasetContract;
import org.junit.jupiter.api.Nested;

/** fm-testkit's data set contract on the built-in data sets, with the moments known in closed form. */
class BuiltInDatasetContractTest {

    @Nested
    class FourGaussians extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return GaussianMixture.fourGaussians();
        }

        /** Means at (+-3, +-3): mean 0, variance 0.5^2 + 3^2 per coordinate. */
        @Override
        protected Optional<double[]> mean() {
            return Optional.of(new double[] {0, 0});
        }

        @Override
        protected Optional<double[]> variance() {
            return Optional.of(new double[] {9.25, 9.25});
        }
    }

    @Nested
    class EightGaussians extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return GaussianMixture.eightGaussians();
        }

        /** Means at radius 5 on eight equal angles: mean 0, variance 0.1 + 25 / 2 per coordinate. */
        @Override
        protected Optional<double[]> mean() {
            return Optional.of(new double[] {0, 0});
        }

        @Override
        protected Optional<double[]> variance() {
            return Optional.of(new double[] {12.6, 12.6});
        }
    }

    @Nested
    class CheckerboardSquares extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return new Checkerboard();
        }

        /** Each coordinate is uniform on [-4, 4): mean 0, variance 8^2 / 12. */
        @Override
        protected Optional<double[]> mean() {
            return Optional.of(new double[] {0, 0});
        }

        @Override
        protected Optional<double[]> variance() {
            return Optional.of(new double[] {64.0 / 12, 64.0 / 12});
        }
    }

    @Nested
    class TwoMoons extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return new Moons();
        }
    }

    @Nested
    class TwoCircles extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return new Circles();
        }
    }

    @Nested
    class Spirals extends DatasetContract {
        @Override
        protected Dataset dataset() {
            return new TwoSpirals();
        }
    }
}
