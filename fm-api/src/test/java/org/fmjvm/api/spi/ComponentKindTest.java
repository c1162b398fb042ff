package org.fmjvm.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.DoubleUnaryOperator;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.path.ProbabilityPath;
import org.junit.jupiter.api.Test;

/** Declaring kinds: what an id may be, and which re-declarations are the same kind or a conflict. */
class ComponentKindTest {

    @Test
    void aDeclaredKindHasItsIdAndTypeAndEqualsAnotherDeclarationOfBoth() {
        ComponentKind<DoubleUnaryOperator> warp = ComponentKind.of("time-warp", DoubleUnaryOperator.class);
        assertThat(warp.id()).isEqualTo("time-warp");
        assertThat(warp.type()).isEqualTo(DoubleUnaryOperator.class);
        assertThat(warp.isBuiltIn()).isFalse();
        assertThat(warp).isEqualTo(ComponentKind.of("time-warp", DoubleUnaryOperator.class))
                .hasSameHashCodeAs(ComponentKind.of("time-warp", DoubleUnaryOperator.class))
                .isNotEqualTo(ComponentKind.of("time-warp", Runnable.class))
                .isNotEqualTo(ComponentKind.of("warp", DoubleUnaryOperator.class));
        assertThat(ComponentKind.all()).doesNotContain(warp);
    }

    @Test
    void reDeclaringABuiltInKindWithItsOwnTypeGivesTheConstant() {
        assertThat(ComponentKind.of("path", ProbabilityPath.class)).isSameAs(ComponentKind.PATH);
        assertThat(ComponentKind.of("dataset", Dataset.class)).isSameAs(ComponentKind.DATASET);
        assertThat(ComponentKind.all()).extracting(ComponentKind::id)
                .containsExactly("backend", "path", "coupling", "solver", "time-sampler", "dataset");
        assertThat(ComponentKind.all()).allMatch(ComponentKind::isBuiltIn);
    }

    @Test
    void reDeclaringABuiltInKindWithAnotherTypeSaysWhichTypeItHas() {
        assertThatThrownBy(() -> ComponentKind.of("time-sampler", Runnable.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("component kind 'time-sampler' is built in with type org.fmjvm.api.path.TimeSampler, so it"
                        + " cannot be declared with type java.lang.Runnable; use ComponentKind.TIME_SAMPLER for that"
                        + " kind, or choose another id for a new one");
    }

    @Test
    void idsAreKebabCaseStartingWithALetter() {
        for (String bad : new String[] {"", "Path", "my kind", "my_kind", "-lead", "trail-", "two--dashes", "9lives"}) {
            assertThatThrownBy(() -> ComponentKind.of(bad, Runnable.class)).as("id '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("component kind ids are kebab-case (a letter, then [a-z0-9] words joined by '-'), got '"
                            + bad + "'");
        }
        assertThat(ComponentKind.of("noise-schedule2", Runnable.class).id()).isEqualTo("noise-schedule2");
        assertThatThrownBy(() -> ComponentKind.of("weight", int.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("component kind 'weight' needs a reference type, got primitive int; use the interface its"
                        + " components implement");
        assertThatThrownBy(() -> ComponentKind.of(null, Runnable.class)).isInstanceOf(NullPointerException.class)
                .hasMessage("id");
    }
}
