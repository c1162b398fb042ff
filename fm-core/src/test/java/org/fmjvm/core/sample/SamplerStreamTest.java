package org.fmjvm.core.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.junit.jupiter.api.Test;

/** Streaming generation: chunking changes the memory used, never the points. */
class SamplerStreamTest {

    /** Odd, so the polar method's spare normal carries from one point (and one chunk) to the next. */
    private static final ModelSpec SPEC = new ModelSpec(3, List.of(32, 32), Activation.SILU, new TimeEmbedding.Raw());

    private static float[] concat(Iterator<float[]> chunks, List<Integer> sizes) {
        float[] all = new float[0];
        while (chunks.hasNext()) {
            float[] c = chunks.next();
            sizes.add(c.length / SPEC.dim());
            int at = all.length;
            all = Arrays.copyOf(all, at + c.length);
            System.arraycopy(c, 0, all, at, c.length);
        }
        return all;
    }

    @Test
    void chunksOfTheSamplersOwnSizeGiveBitwiseTheSamePointsAsGeneratingAtOnce() {
        int n = Sampler.CHUNK + 1_234;
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults());
                VelocityModel model = fm.loadModel(SPEC, SPEC.initialWeights(Rng.seeded(1)))) {
            Sampler sampler = fm.sampler(model);
            float[] atOnce = sampler.generate(n, SolveOptions.steps(4), Rng.seeded(7));
            List<Integer> sizes = new java.util.ArrayList<>();
            float[] streamed = concat(sampler.stream(n, SolveOptions.steps(4), Rng.seeded(7), Sampler.CHUNK), sizes);
            assertThat(sizes).containsExactly(Sampler.CHUNK, 1_234);
            assertThat(streamed).containsExactly(atOnce);
        }
    }

    @Test
    void anyChunkSizeGivesTheSamePointsWithAFixedStepSolver() {
        int n = 1_500;
        for (String solver : List.of("euler", "rk4")) {
            try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults()
                    .withSolver(org.fmjvm.core.ComponentChoice.of(solver)));
                    VelocityModel model = fm.loadModel(SPEC, SPEC.initialWeights(Rng.seeded(2)))) {
                Sampler sampler = fm.sampler(model);
                float[] whole = sampler.generate(n, SolveOptions.steps(5), Rng.seeded(11));
                for (int chunk : new int[] {7, 333, 1_499, 100_000}) {
                    List<Integer> sizes = new java.util.ArrayList<>();
                    float[] streamed = concat(sampler.stream(n, SolveOptions.steps(5), Rng.seeded(11), chunk), sizes);
                    assertThat(sizes).as("chunk %d", chunk).hasSize((n + chunk - 1) / chunk);
                    assertThat(streamed).as("%s, chunk %d", solver, chunk).containsExactly(whole);
                }
            }
        }
    }

    @Test
    void rejectsBadCountsAndStopsAfterTheLastChunk() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults());
                VelocityModel model = fm.loadModel(SPEC, SPEC.initialWeights(Rng.seeded(1)))) {
            Sampler sampler = fm.sampler(model);
            assertThatThrownBy(() -> sampler.stream(0, SolveOptions.steps(1), Rng.seeded(1), 10))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be >= 1, got 0");
            assertThatThrownBy(() -> sampler.stream(5, SolveOptions.steps(1), Rng.seeded(1), 0))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("rows per chunk");
            Iterator<float[]> it = sampler.stream(5, SolveOptions.steps(1), Rng.seeded(1), 5);
            assertThat(it.next()).hasSize(5 * 3);
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
        }
    }
}
