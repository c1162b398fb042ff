package com.example.fmplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.api.spi.PluginDiscovery;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

/**
 * The module registers each plugin under its name with its parameters (read through fm-api's
 * {@link PluginDiscovery}, as fm does), and the services file names the module.
 */
class ExamplePluginsModuleTest {

    private static ComponentFactory<?> registered(ComponentKind<?> kind, String name) {
        Set<Registration> regs = PluginDiscovery.contributions(List.of(new ExamplePluginsModule())).registrations();
        assertThat(regs).extracting(r -> r.kind().id() + " " + r.factory().name())
                .containsExactlyInAnyOrder("path sigmoid", "coupling sorted-projection", "solver ralston",
                        "dataset ring");
        Registration r = regs.stream().filter(x -> x.kind().equals(kind)).findFirst().orElseThrow();
        assertThat(r.factory().name()).isEqualTo(name);
        assertThat(r.origin()).startsWith(ExamplePluginsModule.class.getName());
        return r.factory();
    }

    private static ComponentParams params(ComponentFactory<?> f, Map<String, String> given) {
        return new ComponentParams("path 'sigmoid'", f.parameters(), given);
    }

    @Test
    void registersTheSigmoidPathWithItsSteepness() {
        ComponentFactory<?> f = registered(ComponentKind.PATH, "sigmoid");
        assertThat(f.parameters()).extracting(ParamSpec::name, ParamSpec::type, ParamSpec::defaultValue)
                .containsExactly(tuple("k", ParamSpec.Type.NUMBER, "10.0"));
        Object byDefault = f.create(params(f, Map.of()));
        assertThat(((SigmoidScheduler) ((AffinePath) byDefault).scheduler()).k()).isEqualTo(10);
        Object steep = f.create(params(f, Map.of("k", "8")));
        assertThat(((SigmoidScheduler) ((AffinePath) steep).scheduler()).k()).isEqualTo(8);
    }

    @Test
    void aSteepnessThatIsNotPositiveIsAConfigurationErrorNamingThePath() {
        ComponentFactory<?> f = registered(ComponentKind.PATH, "sigmoid");
        assertThatThrownBy(() -> f.create(params(f, Map.of("k", "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("path 'sigmoid': k must be > 0, got -1");
        assertThatThrownBy(() -> f.create(params(f, Map.of("k", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("path 'sigmoid': k must be > 0, got 0");
    }

    @Test
    void registersTheCouplingAndTheSolverWithoutParameters() {
        ComponentFactory<?> coupling = registered(ComponentKind.COUPLING, "sorted-projection");
        assertThat(coupling.parameters()).isEmpty();
        assertThat(coupling.create(new ComponentParams("coupling 'sorted-projection'", List.of(), Map.of())))
                .isInstanceOf(SortedProjectionCoupling.class);
        ComponentFactory<?> solver = registered(ComponentKind.SOLVER, "ralston");
        assertThat(solver.parameters()).isEmpty();
        assertThat(solver.create(new ComponentParams("solver 'ralston'", List.of(), Map.of())))
                .isInstanceOf(RalstonSolver.class);
    }

    @Test
    void registersTheRingWithItsRadiusAndNoise() {
        ComponentFactory<?> f = registered(ComponentKind.DATASET, "ring");
        assertThat(f.parameters()).extracting(ParamSpec::name, ParamSpec::defaultValue)
                .containsExactly(tuple("radius", "3.0"), tuple("noise", "0.2"));
        RingDataset byDefault = (RingDataset) f.create(new ComponentParams("dataset 'ring'", f.parameters(), Map.of()));
        assertThat(byDefault.radius()).isEqualTo(3);
        assertThat(byDefault.noise()).isEqualTo(0.2);
        RingDataset exact = (RingDataset) f.create(new ComponentParams("dataset 'ring'", f.parameters(),
                Map.of("radius", "1.5", "noise", "0")));
        float[] xs = exact.sample(100, Rng.seeded(1));
        for (int i = 0; i < 100; i++) {
            assertThat(Math.hypot(xs[2 * i], xs[2 * i + 1])).isCloseTo(1.5, within(1e-6));
        }
        assertThatThrownBy(() -> f.create(new ComponentParams("dataset 'ring'", f.parameters(), Map.of("noise", "-1"))))
                .isInstanceOf(ConfigurationException.class).hasMessage("dataset 'ring': noise must be >= 0, got -1");
    }

    @Test
    void theServicesFileNamesTheModule() {
        List<String> found = ServiceLoader.load(FmModule.class).stream().map(p -> p.type().getName()).toList();
        assertThat(found).contains(ExamplePluginsModule.class.getName());
    }
}
