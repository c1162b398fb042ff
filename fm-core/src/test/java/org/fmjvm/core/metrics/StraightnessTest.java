package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Straightness against closed forms: a constant field (straight, S = 0) and a linear one (curved in speed). */
class StraightnessTest {

    private static final float[] C = {1.5f, -2.0f, 0.5f};
    private static final float[] RATES = {0.7f, -0.4f, 0.25f};

    private static FmRuntime runtime(String backend) {
        return FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of(backend)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void aConstantFieldIsStraightWithPathEnergyItsSpeedSquared(String backend) {
        int rows = 500;
        float[] x0 = Rng.seeded(1).normals(rows * C.length);
        double c2 = C[0] * C[0] + C[1] * C[1] + C[2] * C[2];
        try (FmRuntime fm = runtime(backend);
                VelocityModel model = fm.loadModel(KnownFields.spec(C.length), KnownFields.constant(C))) {
            Straightness s = Straightness.of(model, x0, rows, 25);
            System.out.printf("%s constant: S = %.3e, E = %.8f (|c|^2 = %.8f), D2 = %.8f, nfe = %d%n", backend,
                    s.straightness(), s.meanPathEnergy(), c2, s.meanDisplacement2(), s.nfe());
            assertThat(s.straightness()).isCloseTo(0, within(1e-6 * c2));
            assertThat(s.meanPathEnergy()).isCloseTo(c2, within(1e-6 * c2));
            assertThat(s.meanDisplacement2()).isCloseTo(c2, within(1e-5 * c2));
            assertThat(s.rows()).isEqualTo(rows);
            assertThat(s.nfe()).isEqualTo(4 * 25 + 26);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void aLinearFieldMatchesTheClosedForm(String backend) {
        int rows = 400;
        int d = RATES.length;
        float[] x0 = Rng.seeded(2).normals(rows * d);
        double energy = 0;
        double displacement = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                double a = RATES[i];
                double x = x0[r * d + i];
                // x(t) = x0 e^{a t}: integral a^2 x0^2 e^{2 a t} dt and (x0 (e^a - 1))^2
                energy += a * a * x * x * (Math.exp(2 * a) - 1) / (2 * a);
                displacement += x * x * Math.pow(Math.exp(a) - 1, 2);
            }
        }
        energy /= rows;
        displacement /= rows;
        double exactS = energy - displacement;
        try (FmRuntime fm = runtime(backend);
                VelocityModel model = fm.loadModel(KnownFields.spec(d), KnownFields.linear(RATES))) {
            Straightness s = Straightness.of(model, x0, rows, 100);
            Straightness coarse = Straightness.of(model, x0, rows, 50);
            System.out.printf("%s linear: S = %.8f (exact %.8f), E = %.8f (exact %.8f), D2 = %.8f (exact %.8f); "
                    + "S error at 50 steps %.3e, at 100 %.3e%n", backend, s.straightness(), exactS, s.meanPathEnergy(),
                    energy, s.meanDisplacement2(), displacement, coarse.straightness() - exactS,
                    s.straightness() - exactS);
            assertThat(exactS).isGreaterThan(0.01);
            assertThat(s.meanPathEnergy()).isCloseTo(energy, within(1e-4 * energy));
            assertThat(s.meanDisplacement2()).isCloseTo(displacement, within(1e-5 * displacement));
            assertThat(s.straightness()).isCloseTo(exactS, within(1e-4 * energy));
            // the trapezoid rule is second order: halving the step quarters the error
            assertThat((coarse.straightness() - exactS) / (s.straightness() - exactS)).isCloseTo(4, within(0.5));
        }
    }

    @Test
    void transportCostIsTheMeanSquaredPairDistance() {
        double[] x0 = {0, 0, 1, 1};
        double[] x1 = {3, 4, 1, 2};
        assertThat(Straightness.transportCost(x0, x1, 2)).isEqualTo((25 + 1) / 2.0);
        assertThatThrownBy(() -> Straightness.transportCost(x0, new double[3], 2))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("4 and 3 values");
    }
}
