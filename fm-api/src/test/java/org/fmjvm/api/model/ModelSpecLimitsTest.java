package org.fmjvm.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

/** A network whose weights cannot be Java arrays is refused when it is described, not when it is allocated. */
class ModelSpecLimitsTest {

    private static ModelSpec mlp(int dim, Integer... hidden) {
        return new ModelSpec(dim, List.of(hidden), Activation.SILU, new TimeEmbedding.Raw());
    }

    @Test
    void aWeightOfMoreValuesThanAnArrayHoldsIsRefusedNamingTheLayer() {
        // 256 x 1e9 overflows an int: parameterShapes() would have asked for a negative array size
        assertThatThrownBy(() -> mlp(2, 1_000_000_000, 256)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[1000000000, 256]").hasMessageContaining("layer 1's weight is 1000000000 x 3")
                .hasMessageContaining("3,000,000,000 values").hasMessageContaining("2,147,483,639");
        assertThatThrownBy(() -> mlp(1, 46_341, 46_341)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("layer 2's weight is 46341 x 46341");
    }

    @Test
    void theParameterCountMustFitInAnArrayToo() {
        // each weight fits (40,000^2 = 1.6e9) but two of them do not
        assertThatThrownBy(() -> mlp(2, 40_000, 40_000, 40_000)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("parameters, more than a Java array holds");
    }

    @Test
    void theLargestWeightThatFitsIsAccepted() {
        // 46,000 x 46,340 values in one weight, about 2.13e9 parameters in all: just under the limit
        ModelSpec spec = mlp(1, 46_340, 46_000);
        assertThat(spec.parameterCount()).isEqualTo(46_340L * 2 + 46_340 + 46_000L * 46_340 + 46_000 + 46_000 + 1)
                .isLessThanOrEqualTo(ModelSpec.MAX_ELEMENTS);
    }
}
