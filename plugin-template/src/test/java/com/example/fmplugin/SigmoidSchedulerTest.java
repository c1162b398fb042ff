package com.example.fmplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.path.SchedulerOutput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sigmoid schedule against its definition: ends, symmetry, derivatives, the small-k limit. */
class SigmoidSchedulerTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4, 10, 40})
    void runsExactlyFromSourceToData(double k) {
        SigmoidScheduler s = new SigmoidScheduler(k);
        assertThat(s.at(0).alpha()).isEqualTo(0);
        assertThat(s.at(0).sigma()).isEqualTo(1);
        assertThat(s.at(1).alpha()).isEqualTo(1);
        assertThat(s.at(1).sigma()).isEqualTo(0);
        assertThat(s.at(0.5).alpha()).isCloseTo(0.5, within(1e-15));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4, 10, 40})
    void isPointSymmetricAboutTheMiddleAndIncreasing(double k) {
        SigmoidScheduler s = new SigmoidScheduler(k);
        double previous = -1;
        for (double t = 0; t <= 1; t += 1.0 / 64) {
            SchedulerOutput o = s.at(t);
            assertThat(o.alpha() + s.at(1 - t).alpha()).isCloseTo(1, within(1e-14));
            assertThat(o.alpha() + o.sigma()).isEqualTo(1);
            assertThat(o.alpha()).isGreaterThan(previous);
            previous = o.alpha();
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4, 10, 40})
    void derivativesMatchCentralDifferences(double k) {
        SigmoidScheduler s = new SigmoidScheduler(k);
        double h = 1e-6;
        for (double t = 0.01; t < 1; t += 0.07) {
            SchedulerOutput o = s.at(t);
            double dAlpha = (s.at(t + h).alpha() - s.at(t - h).alpha()) / (2 * h);
            double dSigma = (s.at(t + h).sigma() - s.at(t - h).sigma()) / (2 * h);
            assertThat(o.dAlpha()).isCloseTo(dAlpha, within(1e-6 * (1 + Math.abs(dAlpha))));
            assertThat(o.dSigma()).isCloseTo(dSigma, within(1e-6 * (1 + Math.abs(dSigma))));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4, 10, 40})
    void theSpeedPeaksInTheMiddleAtKOverFourTimesTheNormaliser(double k) {
        SigmoidScheduler s = new SigmoidScheduler(k);
        double expected = (k / 4) / (1 / (1 + Math.exp(-k / 2)) - 1 / (1 + Math.exp(k / 2)));
        assertThat(s.at(0.5).dAlpha()).isCloseTo(expected, within(1e-12 * expected));
        assertThat(s.at(0.5).dAlpha()).isGreaterThan(s.at(0.3).dAlpha()).isGreaterThan(s.at(0.1).dAlpha());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.001})
    void aSmallSteepnessGivesTheStraightLineOfCondOt(double k) {
        SigmoidScheduler s = new SigmoidScheduler(k);
        for (double t = 0; t <= 1; t += 0.125) {
            // alpha_t - t = O(k^2): the cubic term of the logistic's Taylor series
            assertThat(s.at(t).alpha()).isCloseTo(t, within(k * k));
            assertThat(s.at(t).dAlpha()).isCloseTo(1, within(k * k));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsASteepnessThatIsNotPositiveAndFinite(double k) {
        assertThatThrownBy(() -> new SigmoidScheduler(k)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be a finite number > 0, got " + k);
    }
}
