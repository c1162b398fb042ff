package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogAxisTest {

  @Test
  void wideRangesLabelThePowersOfTen() {
    // the quality plot of the demo: 0.0014 .. 0.8
    LogAxis axis = LogAxis.covering(0.8, 0.4, 0.002, 0.0014, 0.0029);
    assertThat(axis.labels()).containsExactly(0.001, 0.01, 0.1, 1.0);
    assertThat(axis.min()).isLessThan(0.0014).isGreaterThan(0.0009);
    assertThat(axis.max()).isGreaterThan(0.8).isLessThan(1.2);
  }

  @Test
  void aLossWithinOneDecadeGetsTheOneTwoFiveTicks() {
    LogAxis axis = LogAxis.covering(5.4, 21, 8, Double.NaN, 0, -3);
    assertThat(axis.labels()).containsExactly(5.0, 10.0, 20.0);
  }

  @Test
  void aNarrowRangeMovesOutToTicksSoThatThreeOrMoreAreLabelled() {
    // a typical flow-matching loss, 1.5 .. 3: without the move only 2 and 3 would be labelled
    LogAxis axis = LogAxis.covering(1.5, 3.0);
    assertThat(axis.min()).isEqualTo(1.0);
    assertThat(axis.max()).isEqualTo(4.0);
    assertThat(axis.labels()).containsExactly(1.0, 2.0, 3.0, 4.0);
  }

  @Test
  void withoutAPositiveValueTheAxisIsTwoDecadesAroundOne() {
    LogAxis axis = LogAxis.covering(-1, 0, Double.NaN);
    assertThat(axis.min()).isEqualTo(0.1);
    assertThat(axis.max()).isEqualTo(10.0);
    assertThat(axis.labels()).containsExactly(0.1, 1.0, 10.0);
  }

  @Test
  void theLabelFunctionNamesLabelledTicksOnlyAndToleratesXChartsRounding() {
    LogAxis axis = LogAxis.of(0.25, 4);
    assertThat(axis.labels()).containsExactly(0.5, 1.0, 2.0);
    // XChart computes a tick as 10^k * m, e.g. 0.5 as 0.1 * 5 = 0.5000000000000001
    assertThat(axis.label(Math.pow(10, -1) * 5)).isEqualTo("0.5");
    assertThat(axis.label(2.0)).isEqualTo("2");
    assertThat(axis.label(3.0)).isEmpty();
  }

  @Test
  void labelsAreDecimalsForModerateExponentsAndPowersOfTenOtherwise() {
    assertThat(Charts.formatLog(0.001)).isEqualTo("0.001");
    assertThat(Charts.formatLog(20000)).isEqualTo("20000");
    assertThat(Charts.formatLog(1e-5)).isEqualTo("10\u207b\u2075");
    assertThat(Charts.formatLog(2e6)).isEqualTo("2\u00d710\u2076");
    assertThat(Charts.formatLinear(-6)).isEqualTo("\u22126");
    assertThat(Charts.formatLinear(-0.0)).isEqualTo("0");
    assertThat(Charts.formatLinear(2500)).isEqualTo("2,500");
  }

  @Test
  void invalidRangesAreRejected() {
    assertThatThrownBy(() -> LogAxis.of(0, 1)).hasMessageContaining("[0.0, 1.0]");
    assertThatThrownBy(() -> LogAxis.of(2, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
