package org.fmjvm.core.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.junit.jupiter.api.Test;

/** Sampling through the whole stack on a model whose flow is known in closed form. */
class SamplerTest {

    /** All weights zero except the output bias: v(t, x) = c everywhere, so x(1) = x(0) + c. */
    private static ModelWeights constantField(ModelSpec spec, float... c) {
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec.parameterShapes()) {
            float[] values = new float[p.size()];
            if (p.name().equals(ModelSpec.biasName(spec.layers() - 1))) {
                values = c.clone();
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), values));
        }
        return new ModelWeights(params);
    }

    @Test
    void aConstantFieldMovesEveryPointByTheConstantWithAnySolver() {
        ModelSpec spec = ModelSpec.mlp(2);
        for (String solver : List.of("euler", "midpoint", "rk4")) {
            try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSolver(ComponentChoice.of(solver)));
                    VelocityModel model = fm.loadModel(spec, constantField(spec, 1.5f, -2f))) {
                Sampler sampler = fm.sampler(model);
                float[] x0 = sampler.noise(1000, Rng.seeded(9));
                float[] x1 = sampler.generate(x0, 1000, SolveOptions.steps(10));
                for (int i = 0; i < 1000; i++) {
                    assertThat(x1[2 * i]).isCloseTo(x0[2 * i] + 1.5f, within(1e-5f));
                    assertThat(x1[2 * i + 1]).isCloseTo(x0[2 * i + 1] - 2f, within(1e-5f));
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        ModelSpec spec = ModelSpec.mlp(2);
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults());
                VelocityModel model = fm.loadModel(spec, spec.initialWeights(Rng.seeded(1)))) {
            Sampler sampler = fm.sampler(model);
            float[] a = sampler.generate(500, SolveOptions.steps(20), Rng.seeded(5));
            float[] b = sampler.generate(500, SolveOptions.steps(20), Rng.seeded(5));
            float[] c = sampler.generate(500, SolveOptions.steps(20), Rng.seeded(6));
            assertThat(b).containsExactly(a);
            assertThat(c).isNotEqualTo(a);
        }
    }

    @Test
    void rejectsBadCounts() {
        ModelSpec spec = ModelSpec.mlp(2);
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults());
                VelocityModel model = fm.loadModel(spec, spec.initialWeights(Rng.seeded(1)))) {
            Sampler sampler = fm.sampler(model);
            assertThatThrownBy(() -> sampler.generate(new float[0], 0, SolveOptions.steps(1)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("must be >= 1, got 0");
            assertThatThrownBy(() -> sampler.generate(new float[5], 2, SolveOptions.steps(1)))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("expected 2 x 2 initial values, got 5");
        }
    }
}
