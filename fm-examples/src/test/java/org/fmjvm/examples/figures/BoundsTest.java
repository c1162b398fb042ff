package org.fmjvm.examples.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundsTest {

  @Test
  void coveringTheDemoDataGivesTheRoundSquareWindow() {
    Random rng = new Random(3);
    float[] target = FourGaussians.target(10_000, rng);
    float[] source = FourGaussians.source(10_000, rng);
    assertThat(Bounds.covering(target, source)).isEqualTo(Bounds.symmetric(6));
  }

  @Test
  void coveringContainsEveryFinitePointWithAMarginAndIgnoresNonFiniteOnes() {
    float[] xy = {10.2f, -3f, 11.9f, 1.5f, Float.NaN, 100f, 10.5f, Float.POSITIVE_INFINITY};
    Bounds b = Bounds.covering(xy);
    assertThat(b.xMax() - b.xMin()).isEqualTo(b.yMax() - b.yMin());
    for (int i = 0; i < 4; i += 2) {
      assertThat(xy[i]).isBetween((float) b.xMin(), (float) b.xMax());
      assertThat(xy[i + 1]).isBetween((float) b.yMin(), (float) b.yMax());
    }
    assertThat(b.yMax()).isLessThan(10);
    assertThat(b.xMax() - 11.9).isGreaterThan(0.2);
    assertThat(Bounds.covering(new float[] {Float.NaN, 0f})).isEqualTo(Bounds.symmetric(1));
  }

  @Test
  void invalidBoundsAreRejected() {
    assertThatThrownBy(() -> new Bounds(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x [1.0, 1.0]");
    assertThatThrownBy(() -> Bounds.covering(new float[3])).hasMessageContaining("length 3");
  }
}
