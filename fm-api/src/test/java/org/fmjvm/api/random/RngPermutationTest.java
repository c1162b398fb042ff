package org.fmjvm.api.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Rng.permutation: a permutation, reproducible from the seed, every arrangement about equally likely. */
class RngPermutationTest {

    @Test
    void holdsEveryIndexOnceAndTheSeedReproducesIt() {
        int[] p = Rng.seeded(4).permutation(1000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        assertThat(Rng.seeded(4).permutation(1000)).containsExactly(p);
        assertThat(Rng.seeded(5).permutation(1000)).isNotEqualTo(p);
        assertThat(Rng.seeded(1).permutation(0)).isEmpty();
        assertThatThrownBy(() -> Rng.seeded(1).permutation(-1)).hasMessageContaining("got -1");
    }

    @Test
    void allSixArrangementsOfThreeAreAboutEquallyLikely() {
        Rng rng = Rng.seeded(7);
        int[] counts = new int[6];
        int draws = 60_000;
        for (int d = 0; d < draws; d++) {
            int[] p = rng.permutation(3);
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        // each 10,000 expected; sd about 91, so 5 sd is 460
        for (int c : counts) {
            assertThat(c).isBetween(9_540, 10_460);
        }
    }
}
