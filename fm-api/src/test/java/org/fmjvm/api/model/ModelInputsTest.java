package org.fmjvm.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fmjvm.api.DType;
import org.fmjvm.api.FakeTensors;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;
import org.junit.jupiter.api.Test;

/** The argument checks of model calls, the same on every backend. */
class ModelInputsTest {
    private static final ModelSpec SPEC = ModelSpec.mlp(3);

    private static Tensor f32(int... shape) {
        return FakeTensors.tensor(DType.FLOAT32, shape);
    }

    @Test
    void goodInputsGiveTheBatchSize() {
        assertThat(ModelInputs.check(SPEC, f32(8, 1), f32(8, 3))).isEqualTo(8);
        assertThat(ModelInputs.checkTraining(SPEC, f32(8, 1), f32(8, 3), f32(8, 3))).isEqualTo(8);
        assertThat(ModelInputs.checkProbe(SPEC, f32(8, 1), f32(8, 3), f32(8, 3))).isEqualTo(8);
    }

    @Test
    void shapesThatDoNotFitNameBothShapes() {
        assertThatThrownBy(() -> ModelInputs.check(SPEC, f32(8, 1), f32(8, 4))).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("x must have shape [*, 3], got [8, 4]");
        assertThatThrownBy(() -> ModelInputs.check(SPEC, f32(8), f32(8, 3))).isInstanceOf(ShapeMismatchException.class)
                .hasMessage("t must have shape [8, 1], got [8]");
        assertThatThrownBy(() -> ModelInputs.checkTraining(SPEC, f32(8, 1), f32(8, 3), f32(7, 3)))
                .isInstanceOf(ShapeMismatchException.class).hasMessage("dxt must have shape [8, 3], got [7, 3]");
        assertThatThrownBy(() -> ModelInputs.checkProbe(SPEC, f32(8, 1), f32(8, 3), f32(8, 1)))
                .isInstanceOf(ShapeMismatchException.class).hasMessage("probe must have shape [8, 3], got [8, 1]");
    }

    @Test
    void float64InputsSayHowToConvert() {
        Tensor x64 = FakeTensors.tensor(DType.FLOAT64, 8, 3);
        assertThatThrownBy(() -> ModelInputs.check(SPEC, f32(8, 1), x64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x must be float32 (models run in float32), got FLOAT64; convert it with"
                        + " toDType(DType.FLOAT32)");
        assertThatThrownBy(() -> ModelInputs.checkTraining(SPEC, f32(8, 1), f32(8, 3), x64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dxt must be float32");
        assertThatThrownBy(() -> ModelInputs.checkProbe(SPEC, f32(8, 1), f32(8, 3), x64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("probe must be float32");
    }

    @Test
    void learningRatesAreFiniteAndNotNegative() {
        assertThat(ModelInputs.learningRate(0)).isZero();
        assertThat(ModelInputs.learningRate(1e-3)).isEqualTo(1e-3);
        for (double bad : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> ModelInputs.learningRate(bad)).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
        }
    }
}
