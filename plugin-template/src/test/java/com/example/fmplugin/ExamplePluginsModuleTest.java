package com.example.fmplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

/** The module registers each plugin under its name with its parameters, and the services file names the module. */
class ExamplePluginsModuleTest {

    private static ComponentFactory<?> registered(ComponentKind<?> kind, String name) {
        Set<Registration> regs = Guice.createInjector(new ExamplePluginsModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        assertThat(regs).extracting(r -> r.kind().id() + " " + r.factory().name())
                .containsExactlyInAnyOrder("path sigmoid", "coupling sorted-projection", "solver ralston");
        Registration r = regs.stream().filter(x -> x.kind() == kind).findFirst().orElseThrow();
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
    void theServicesFileNamesTheModule() {
        List<String> found = ServiceLoader.load(FmModule.class).stream().map(p -> p.type().getName()).toList();
        assertThat(found).contains(ExamplePluginsModule.class.getName());
    }
}
