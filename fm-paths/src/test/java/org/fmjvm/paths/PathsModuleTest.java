package org.fmjvm.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.api.spi.Registration;
import org.junit.jupiter.api.Test;

/** Every path and time sampler is registered under its stable name, with its parameters, defaults and checks. */
class PathsModuleTest {

    private static final Set<Registration> REGISTRATIONS = Guice.createInjector(new PathsModule())
            .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));

    @Test
    void registersEveryPathAndTimeSamplerUnderItsName() {
        assertThat(names(ComponentKind.PATH)).containsExactlyInAnyOrder("cond-ot", "poly", "vp", "linear-vp", "cosine",
                "gaussian-ot", "brownian-bridge");
        assertThat(names(ComponentKind.TIME_SAMPLER)).containsExactlyInAnyOrder("uniform", "logit-normal");
        assertThat(REGISTRATIONS).hasSize(9).allMatch(r -> r.origin().startsWith(PathsModule.class.getName()));
        assertThat(REGISTRATIONS).allMatch(r -> !r.factory().description().isBlank());
    }

    @Test
    void declaresTheParametersWithTheirDefaults() {
        assertThat(specs(ComponentKind.PATH, "cond-ot")).isEmpty();
        assertThat(specs(ComponentKind.PATH, "poly")).extracting(ParamSpec::name, ParamSpec::type, ParamSpec::defaultValue)
                .containsExactly(tuple("n", ParamSpec.Type.NUMBER, "2.0"));
        assertThat(specs(ComponentKind.PATH, "vp")).extracting(ParamSpec::name, ParamSpec::defaultValue).containsExactly(
                tuple("beta-min", "0.1"), tuple("beta-max", "20.0"));
        assertThat(specs(ComponentKind.PATH, "linear-vp")).isEmpty();
        assertThat(specs(ComponentKind.PATH, "cosine")).isEmpty();
        assertThat(specs(ComponentKind.PATH, "gaussian-ot")).extracting(ParamSpec::name, ParamSpec::defaultValue)
                .containsExactly(tuple("sigma-min", "0.1"));
        assertThat(specs(ComponentKind.PATH, "brownian-bridge")).extracting(ParamSpec::name, ParamSpec::defaultValue)
                .containsExactly(tuple("sigma", "0.5"));
        assertThat(specs(ComponentKind.TIME_SAMPLER, "uniform")).isEmpty();
        assertThat(specs(ComponentKind.TIME_SAMPLER, "logit-normal")).extracting(ParamSpec::name, ParamSpec::defaultValue)
                .containsExactly(tuple("mean", "0.0"), tuple("std", "1.0"));
        for (Registration r : REGISTRATIONS) {
            for (ParamSpec p : r.factory().parameters()) {
                assertThat(p.type()).as("%s %s", r.factory().name(), p.name()).isEqualTo(ParamSpec.Type.NUMBER);
                assertThat(p.description()).isNotBlank();
            }
        }
    }

    @Test
    void defaultsCreateTheDocumentedComponents() {
        assertThat(scheduler("cond-ot", Map.of())).isInstanceOf(CondOtScheduler.class);
        assertThat(((PolynomialScheduler) scheduler("poly", Map.of())).n()).isEqualTo(2);
        VpScheduler vp = (VpScheduler) scheduler("vp", Map.of());
        assertThat(vp.betaMin()).isEqualTo(0.1);
        assertThat(vp.betaMax()).isEqualTo(20);
        assertThat(scheduler("linear-vp", Map.of())).isInstanceOf(LinearVpScheduler.class);
        assertThat(scheduler("cosine", Map.of())).isInstanceOf(CosineScheduler.class);
        assertThat(((GaussianOtPath) create(ComponentKind.PATH, "gaussian-ot", Map.of())).sigmaMin()).isEqualTo(0.1);
        assertThat(((BrownianBridgePath) create(ComponentKind.PATH, "brownian-bridge", Map.of())).sigma()).isEqualTo(0.5);
        assertThat(create(ComponentKind.TIME_SAMPLER, "uniform", Map.of())).isInstanceOf(UniformTimeSampler.class);
        LogitNormalTimeSampler ln = (LogitNormalTimeSampler) create(ComponentKind.TIME_SAMPLER, "logit-normal", Map.of());
        assertThat(ln.mean()).isZero();
        assertThat(ln.std()).isEqualTo(1);
    }

    @Test
    void givenParametersAreUsed() {
        assertThat(((PolynomialScheduler) scheduler("poly", Map.of("n", "3"))).n()).isEqualTo(3);
        assertThat(((VpScheduler) scheduler("vp", Map.of("beta-min", "0.5", "beta-max", "10"))).betaMax()).isEqualTo(10);
        assertThat(((GaussianOtPath) create(ComponentKind.PATH, "gaussian-ot", Map.of("sigma-min", "0"))).sigmaMin())
                .isZero();
        assertThat(((BrownianBridgePath) create(ComponentKind.PATH, "brownian-bridge", Map.of("sigma", "2"))).sigma())
                .isEqualTo(2);
        LogitNormalTimeSampler ln = (LogitNormalTimeSampler) create(ComponentKind.TIME_SAMPLER, "logit-normal",
                Map.of("mean", "-0.5", "std", "0.8"));
        assertThat(ln.mean()).isEqualTo(-0.5);
        assertThat(ln.std()).isEqualTo(0.8);
    }

    @Test
    void badValuesFailWithTheComponentTheValueAndTheRule() {
        assertRejected(ComponentKind.PATH, "poly", Map.of("n", "-1"), "path 'poly': n must be > 0, got -1");
        assertRejected(ComponentKind.PATH, "poly", Map.of("n", "two"), "path 'poly': n must be a finite number, got 'two'");
        assertRejected(ComponentKind.PATH, "vp", Map.of("beta-min", "0"), "path 'vp': beta-min must be > 0, got 0");
        assertRejected(ComponentKind.PATH, "vp", Map.of("beta-min", "1", "beta-max", "0.5"),
                "path 'vp': beta-max must be > beta-min, got beta-min = 1 and beta-max = 0.5");
        assertRejected(ComponentKind.PATH, "gaussian-ot", Map.of("sigma-min", "1"),
                "path 'gaussian-ot': sigma-min must be in [0, 1), got 1");
        assertRejected(ComponentKind.PATH, "gaussian-ot", Map.of("sigma-min", "-0.01"),
                "path 'gaussian-ot': sigma-min must be in [0, 1), got -0.01");
        assertRejected(ComponentKind.PATH, "brownian-bridge", Map.of("sigma", "0"),
                "path 'brownian-bridge': sigma must be > 0, got 0");
        assertRejected(ComponentKind.TIME_SAMPLER, "logit-normal", Map.of("std", "-1"),
                "time-sampler 'logit-normal': std must be > 0, got -1");
        assertRejected(ComponentKind.TIME_SAMPLER, "logit-normal", Map.of("mean", "Infinity"),
                "time-sampler 'logit-normal': mean must be a finite number, got 'Infinity'");
    }

    private static void assertRejected(ComponentKind<?> kind, String name, Map<String, String> given, String message) {
        assertThatThrownBy(() -> create(kind, name, given)).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    private static Object scheduler(String name, Map<String, String> given) {
        Object path = create(ComponentKind.PATH, name, given);
        assertThat(path).isInstanceOf(AffinePath.class);
        return ((AffinePath) path).scheduler();
    }

    private static Object create(ComponentKind<?> kind, String name, Map<String, String> given) {
        ComponentFactory<?> f = factory(kind, name);
        return f.create(new ComponentParams(kind.id() + " '" + name + "'", f.parameters(), given));
    }

    private static List<ParamSpec> specs(ComponentKind<?> kind, String name) {
        return factory(kind, name).parameters();
    }

    private static ComponentFactory<?> factory(ComponentKind<?> kind, String name) {
        return REGISTRATIONS.stream().filter(r -> r.kind() == kind && r.factory().name().equals(name))
                .map(Registration::factory).findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static List<String> names(ComponentKind<?> kind) {
        return REGISTRATIONS.stream().filter(r -> r.kind() == kind).map(r -> r.factory().name()).toList();
    }
}
