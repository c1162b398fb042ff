package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.path.Scheduler;
import org.fmjvm.api.path.SchedulerOutput;
import org.junit.jupiter.api.Test;

/**
 * The schedulers' closed forms at a few times (values worked out by hand or in an independent
 * float64 calculation), their handling of the ends of [0, 1], and their argument checks.
 */
class SchedulersTest {

    private static final double EXACT = 1e-15;

    @Test
    void polynomialClosedForms() {
        expect(new PolynomialScheduler(2).at(0.5), 0.25, 0.75, 1, -1);
        expect(new PolynomialScheduler(3).at(0.5), 0.125, 0.875, 0.75, -0.75);
        expect(new PolynomialScheduler(0.5).at(0.25), 0.5, 0.5, 1, -1);
        expect(new PolynomialScheduler(1).at(0.3), 0.3, 0.7, 1, -1);
        expect(new PolynomialScheduler(2).at(0), 0, 1, 0, 0);
        expect(new PolynomialScheduler(2).at(1), 1, 0, 2, -2);
    }

    @Test
    void polynomialBelowOneEvaluatesTheInfiniteSpeedAtZeroJustInside() {
        SchedulerOutput o = new PolynomialScheduler(0.5).at(0);
        assertThat(o.alpha()).isZero();
        assertThat(o.sigma()).isEqualTo(1);
        // 0.5 / sqrt(1e-5)
        assertThat(o.dAlpha()).isCloseTo(158.11388300841895, within(1e-9));
        assertThat(o.dSigma()).isEqualTo(-o.dAlpha());
        assertThat(new PolynomialScheduler(0.5).at(5e-6).dAlpha()).isEqualTo(o.dAlpha());
        // outside the margin the formula applies unchanged
        assertThat(new PolynomialScheduler(0.5).at(1e-4).dAlpha()).isCloseTo(50, within(1e-9));
    }

    @Test
    void vpClosedForms() {
        VpScheduler vp = new VpScheduler();
        // T(0.5) = 0.5 * 0.25 * 19.9 + 0.5 * 0.1 = 2.5375, T' = -10.05
        expect(vp.at(0.5), 0.2811828807967524, 0.9596542020680363, 1.4129439760036806, -0.41399876822397896, 1e-13);
        // T(0.9) = 0.1095
        expect(vp.at(0.9), 0.9467217988205981, 0.32205253552470436, 0.9893242797675248, -2.908267311829802, 1e-13);
        // t = 0 is not pure noise: T(0) = 10.05
        expect(vp.at(0), 0.006571586494929619, 0.9999784068923386, 0.06571586494929618, -0.00043186681595006564, 1e-13);
        for (double t = 0; t <= 1; t += 1.0 / 64) {
            SchedulerOutput o = vp.at(t);
            assertThat(o.alpha() * o.alpha() + o.sigma() * o.sigma()).as("variance at %s", t).isCloseTo(1, within(1e-14));
        }
    }

    @Test
    void vpIsDataAtOneWithAFiniteSigmaDerivativeThere() {
        SchedulerOutput o = new VpScheduler().at(1);
        assertThat(o.alpha()).isEqualTo(1);
        assertThat(o.sigma()).isZero();
        assertThat(o.dAlpha()).isCloseTo(0.05, within(EXACT)); // -T'(1) / 2 = beta_min / 2, not clamped
        // sigma' is -infinity at t = 1: it is taken at 1 - 1e-5, about -50
        assertThat(o.dSigma()).isCloseTo(-50.07455649006299, within(1e-8));
        assertThat(new VpScheduler().at(1 - 1e-6).dSigma()).isEqualTo(o.dSigma());
    }

    @Test
    void linearVpClosedFormsAndItsEnd() {
        LinearVpScheduler s = new LinearVpScheduler();
        expect(s.at(0.6), 0.6, 0.8, 1, -0.75, 1e-15);
        expect(s.at(0), 0, 1, 1, 0, 0);
        SchedulerOutput end = s.at(1);
        assertThat(end.alpha()).isEqualTo(1);
        assertThat(end.sigma()).isZero();
        // -(1 - 1e-5) / sqrt(1 - (1 - 1e-5)^2)
        assertThat(end.dSigma()).isCloseTo(-223.60512069601083, within(1e-8));
        assertThat(s.at(1 - 1e-7).dSigma()).isEqualTo(end.dSigma());
    }

    @Test
    void cosineClosedFormsAndExactEnds() {
        CosineScheduler s = new CosineScheduler();
        expect(s.at(1.0 / 3), 0.5, Math.sqrt(3) / 2, Math.PI * Math.sqrt(3) / 4, -Math.PI / 4, 1e-15);
        expect(s.at(0.5), Math.sqrt(0.5), Math.sqrt(0.5), Math.PI / 2 * Math.sqrt(0.5), -Math.PI / 2 * Math.sqrt(0.5),
                1e-15);
        expect(s.at(0), 0, 1, Math.PI / 2, 0, 0);
        expect(s.at(1), 1, 0, 0, -Math.PI / 2, 0);
    }

    @Test
    void timesOutsideTheUnitIntervalAreRejectedButRoundingIsForgiven() {
        for (Scheduler s : new Scheduler[] {new PolynomialScheduler(0.5), new VpScheduler(), new LinearVpScheduler(),
            new CosineScheduler()}) {
            assertThatThrownBy(() -> s.at(1.5)).as(s.describe()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("t must be in [0, 1], got 1.5");
            assertThatThrownBy(() -> s.at(-0.01)).as(s.describe()).hasMessage("t must be in [0, 1], got -0.01");
            assertThatThrownBy(() -> s.at(Double.NaN)).as(s.describe()).hasMessage("t must be in [0, 1], got NaN");
            assertThat(s.at(1 + 2e-16).alpha()).as(s.describe()).isEqualTo(s.at(1).alpha());
            assertThat(s.at(-1e-12).sigma()).as(s.describe()).isEqualTo(s.at(0).sigma());
        }
    }

    @Test
    void constructorsRejectBadParameters() {
        assertThatThrownBy(() -> new PolynomialScheduler(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be > 0, got 0.0");
        assertThatThrownBy(() -> new PolynomialScheduler(Double.NaN)).hasMessage("n must be > 0, got NaN");
        assertThatThrownBy(() -> new VpScheduler(0, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 0 < beta-min < beta-max, got beta-min = 0.0 and beta-max = 20.0");
        assertThatThrownBy(() -> new VpScheduler(5, 5)).hasMessageContaining("beta-max = 5.0");
        assertThat(new VpScheduler(1, 2).betaMax()).isEqualTo(2);
    }

    @Test
    void describeNamesTheScheduleAndItsParameters() {
        assertThat(new PolynomialScheduler(2).describe()).isEqualTo("poly: alpha = t^2, sigma = 1 - t^2");
        assertThat(new PolynomialScheduler(0.5).describe()).isEqualTo("poly: alpha = t^0.5, sigma = 1 - t^0.5");
        assertThat(new VpScheduler().describe()).startsWith("vp: alpha = exp(-T/2), sigma = sqrt(1 - exp(-T))")
                .endsWith("beta_min = 0.1, beta_max = 20");
        assertThat(new LinearVpScheduler().describe()).isEqualTo("linear-vp: alpha = t, sigma = sqrt(1 - t^2)");
        assertThat(new CosineScheduler()).hasToString("cosine: alpha = sin(pi t / 2), sigma = cos(pi t / 2)");
    }

    private static void expect(SchedulerOutput o, double alpha, double sigma, double dAlpha, double dSigma) {
        expect(o, alpha, sigma, dAlpha, dSigma, EXACT);
    }

    private static void expect(SchedulerOutput o, double alpha, double sigma, double dAlpha, double dSigma, double tol) {
        assertThat(o.alpha()).as("alpha at %s", o.t()).isCloseTo(alpha, within(tol));
        assertThat(o.sigma()).as("sigma at %s", o.t()).isCloseTo(sigma, within(tol));
        assertThat(o.dAlpha()).as("alpha' at %s", o.t()).isCloseTo(dAlpha, within(tol));
        assertThat(o.dSigma()).as("sigma' at %s", o.t()).isCloseTo(dSigma, within(tol));
    }
}
