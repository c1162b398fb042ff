package org.fmjvm.api.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Rng.state / Rng.restore: a restored generator continues exactly as the uninterrupted one. */
class RngStateTest {

    /** A mix of every kind of draw, so both the bits and the spare normal are exercised. */
    private static long[] draws(Rng rng, int n) {
        long[] out = new long[4 * n];
        for (int i = 0; i < n; i++) {
            out[4 * i] = rng.nextLong();
            out[4 * i + 1] = Double.doubleToRawLongBits(rng.nextGaussian());
            out[4 * i + 2] = rng.nextInt(1000);
            out[4 * i + 3] = Double.doubleToRawLongBits(rng.nextDouble());
        }
        return out;
    }

    @Test
    void continuingAfterRestoreEqualsTheUninterruptedSequence() {
        for (int before = 0; before < 6; before++) {
            Rng uninterrupted = Rng.seeded(17);
            Rng interrupted = Rng.seeded(17);
            draws(uninterrupted, before);
            draws(interrupted, before);
            // one more normal: before + 1 normals in all, an odd count leaves a spare behind
            uninterrupted.nextGaussian();
            interrupted.nextGaussian();
            Rng.State state = interrupted.state();
            assertThat(state.hasSpare()).isEqualTo(before % 2 == 0);
            Rng restored = Rng.restore(state);
            assertThat(draws(restored, 50)).containsExactly(draws(uninterrupted, 50));
            assertThat(restored.state()).isEqualTo(uninterrupted.state());
        }
    }

    @Test
    void theRestoredGeneratorSplitsLikeTheOriginal() {
        Rng rng = Rng.seeded(5).split("data");
        rng.nextGaussian();
        Rng restored = Rng.restore(rng.state());
        assertThat(restored.seed()).isEqualTo(rng.seed());
        assertThat(restored.split("pairs").nextLong()).isEqualTo(rng.split("pairs").nextLong());
        assertThat(restored.split(3).nextLong()).isEqualTo(rng.split(3).nextLong());
    }

    @Test
    void restoringDoesNotTieTheCopiesTogether() {
        Rng rng = Rng.seeded(9);
        Rng.State state = rng.state();
        Rng a = Rng.restore(state);
        Rng b = Rng.restore(state);
        long first = a.nextLong();
        a.nextLong();
        assertThat(b.nextLong()).isEqualTo(first);
        assertThat(rng.nextLong()).isEqualTo(first);
    }

    @Test
    void aNonFiniteSpareNormalIsRejected() {
        assertThatThrownBy(() -> new Rng.State(1, 2, Double.NaN, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
}
