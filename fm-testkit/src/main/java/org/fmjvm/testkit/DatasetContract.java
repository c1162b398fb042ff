package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Dataset} must do, run against one data set. A plugin author subclasses it once per
 * data set (and per configuration worth testing); no backend is needed:
 *
 * <pre>{@code
 * class MyDatasetContractTest extends DatasetContract {
 *     protected Dataset dataset() { return new MyDataset(); }
 *     protected Optional<double[]> mean() { return Optional.of(new double[] {0, 0}); }
 * }
 * }</pre>
 *
 * The checks:
 *
 * <ul>
 *   <li><b>Shape.</b> {@code dim() >= 1}; {@code sample(n)} returns {@code n * dim()} finite values
 *       for {@code n} = 0, 1 and 1,001; a negative {@code n} fails with
 *       {@link IllegalArgumentException} naming it. The name and {@code describe()} are one
 *       non-blank line each.
 *   <li><b>Reproducibility.</b> Every draw comes from the generator: the same seed gives bitwise the
 *       same points, from one instance called twice (no state carried between calls) and from a
 *       second instance; another seed gives other points.
 *   <li><b>Moments</b> (when {@link #mean()} or {@link #variance()} is given). Over 100,000 seeded
 *       points, each coordinate's sample mean lies within 5 standard errors of the expected mean,
 *       and its sample variance within 2% of the expected variance.
 *   <li><b>Density</b> (when {@code logDensity()} is present). It is finite at every sampled point.
 * </ul>
 *
 * The draws are seeded, so the suite gives the same verdict on every run.
 */
public abstract class DatasetContract {

    private static final int MOMENT_POINTS = 100_000;

    /** @return the data set under test; may be called more than once and must return equal data sets */
    protected abstract Dataset dataset();

    /** @return the expected mean of each coordinate, if known; none by default */
    protected Optional<double[]> mean() {
        return Optional.empty();
    }

    /** @return the expected variance of each coordinate, if known; none by default */
    protected Optional<double[]> variance() {
        return Optional.empty();
    }

    @Test
    void samplesHaveTheDeclaredShapeAndFiniteValues() {
        Dataset d = dataset();
        assertThat(d.dim()).as("dim()").isGreaterThanOrEqualTo(1);
        for (int n : new int[] {0, 1, 1001}) {
            float[] xs = d.sample(n, Rng.seeded(11));
            assertThat(xs).as("sample(%d) of %s", n, d.name()).hasSize(n * d.dim());
            for (int i = 0; i < xs.length; i++) {
                assertThat(Float.isFinite(xs[i])).as("coordinate %d of sample(%d) is finite, got %s", i, n, xs[i])
                        .isTrue();
            }
        }
        assertThatThrownBy(() -> d.sample(-1, Rng.seeded(11))).as("sample(-1)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(d.name()).as("name()").isNotBlank().doesNotContain("\n");
        assertThat(d.describe()).as("describe()").isNotBlank().doesNotContain("\n");
    }

    @Test
    void theSameSeedGivesTheSamePointsAndAnotherSeedOthers() {
        Dataset d = dataset();
        float[] a = d.sample(257, Rng.seeded(5));
        d.sample(100, Rng.seeded(6));
        assertThat(d.sample(257, Rng.seeded(5))).as("the same seed after another call").isEqualTo(a);
        assertThat(dataset().sample(257, Rng.seeded(5))).as("the same seed on a second instance").isEqualTo(a);
        assertThat(d.sample(257, Rng.seeded(7))).as("another seed").isNotEqualTo(a);
    }

    @Test
    void sampleMomentsMatchTheExpectedOnes() {
        Dataset d = dataset();
        int dim = d.dim();
        mean().ifPresent(m -> assertThat(m).as("mean() has one value per coordinate").hasSize(dim));
        variance().ifPresent(v -> assertThat(v).as("variance() has one value per coordinate").hasSize(dim));
        if (mean().isEmpty() && variance().isEmpty()) {
            return;
        }
        float[] xs = d.sample(MOMENT_POINTS, Rng.seeded(21));
        for (int j = 0; j < dim; j++) {
            double sum = 0;
            for (int i = 0; i < MOMENT_POINTS; i++) {
                sum += xs[i * dim + j];
            }
            double m = sum / MOMENT_POINTS;
            double ss = 0;
            for (int i = 0; i < MOMENT_POINTS; i++) {
                double e = xs[i * dim + j] - m;
                ss += e * e;
            }
            double var = ss / MOMENT_POINTS;
            int coordinate = j;
            mean().ifPresent(expected -> assertThat(m).as("sample mean of coordinate %d", coordinate)
                    .isCloseTo(expected[coordinate], within(5 * Math.sqrt(var / MOMENT_POINTS) + 1e-12)));
            variance().ifPresent(expected -> assertThat(var).as("sample variance of coordinate %d", coordinate)
                    .isCloseTo(expected[coordinate], within(0.02 * expected[coordinate] + 1e-12)));
        }
    }

    @Test
    void aClosedFormDensityIsFiniteAtSampledPoints() {
        Dataset d = dataset();
        Optional<LogDensity> density = d.logDensity();
        if (density.isEmpty()) {
            return;
        }
        float[] xs = d.sample(1000, Rng.seeded(31));
        for (int row = 0; row < 1000; row++) {
            assertThat(Double.isFinite(density.get().at(xs, row))).as("log density at sampled row %d", row).isTrue();
        }
    }
}
