package org.fmjvm.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleUnaryOperator;

import com.google.inject.Binder;

import org.fmjvm.api.Backend;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.UnknownComponentException;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.paths.CondOtScheduler;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;

/** Discovery, selection by name, and the failures users see when a name is wrong or taken twice. */
class PluginWiringTest {

    @Test
    void discoveryFindsEveryBuiltInPlugin() {
        PluginRegistry registry = Plugins.discover();
        assertThat(registry.names(ComponentKind.BACKEND)).contains("djl");
        assertThat(registry.names(ComponentKind.PATH)).contains("cond-ot");
        assertThat(registry.names(ComponentKind.COUPLING))
                .contains("independent", "minibatch-ot", "sinkhorn", "schrodinger-bridge");
        assertThat(registry.names(ComponentKind.SOLVER)).contains("euler", "midpoint", "rk4");
        assertThat(registry.names(ComponentKind.TIME_SAMPLER)).contains("uniform");
        assertThat(registry.origin(ComponentKind.PATH, "cond-ot")).startsWith("org.fmjvm.paths.PathsModule");
        assertThat(registry.preferred(ComponentKind.BACKEND).name()).isEqualTo("djl");
    }

    @Test
    void anUnknownNameFailsListingTheKnownOnes() {
        PluginRegistry registry = Plugins.discover();
        assertThatThrownBy(() -> registry.select(ComponentKind.PATH, ComponentChoice.of("sigmod")))
                .isInstanceOf(UnknownComponentException.class)
                .hasMessageStartingWith("Unknown path 'sigmod'; known: [")
                .hasMessageContaining("cond-ot");
        assertThatThrownBy(() -> registry.select(ComponentKind.SOLVER, ComponentChoice.of("dopri")))
                .hasMessageContaining("dopri5, euler, heun, midpoint, rk4");
    }

    @Test
    void anUnknownNameFailsBeforeTheBackendIsOpened() {
        AtomicInteger opened = new AtomicInteger();
        FmModule countingBackend = (Binder binder) -> FmBinders.backends(binder).add(ComponentFactory.of("counting",
                "opens nothing", List.of(), 1, params -> {
                    opened.incrementAndGet();
                    throw new AssertionError("the backend must not be opened");
                }));
        PluginRegistry registry = Plugins.fromModules(List.of(countingBackend, new org.fmjvm.paths.PathsModule(),
                new org.fmjvm.solvers.SolversModule(), new CoreModule()));
        FmConfig config = FmConfig.defaults().withSolver(ComponentChoice.of("no-such-solver"));
        assertThatThrownBy(() -> FlowMatching.bootstrap(config, registry))
                .isInstanceOf(UnknownComponentException.class).hasMessageContaining("no-such-solver");
        assertThat(opened).hasValue(0);
    }

    @Test
    void gaussianOtWithAPairingCouplingFailsBeforeTheBackendIsOpened() {
        AtomicInteger opened = new AtomicInteger();
        PluginRegistry registry = withCountingBackend(opened);
        FmConfig config = FmConfig.defaults().withPath(ComponentChoice.of("gaussian-ot"))
                .withCoupling(ComponentChoice.of("minibatch-ot"));
        assertThatThrownBy(() -> FlowMatching.bootstrap(config, registry))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gaussian-ot' assumes independent pairs")
                .hasMessageContaining("use --path cond-ot with coupling 'minibatch-ot'");
        assertThat(opened).hasValue(0);
    }

    @Test
    void schrodingerBridgeNeedsTheBrownianBridgePathWithTheSameSigma() {
        AtomicInteger opened = new AtomicInteger();
        PluginRegistry registry = withCountingBackend(opened);
        FmConfig sb = FmConfig.defaults().withCoupling(
                ComponentChoice.parse("schrodinger-bridge", List.of("sigma=0.3"), "--coupling-param"));
        assertThatThrownBy(() -> FlowMatching.bootstrap(sb, registry))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("but the path is 'cond-ot'")
                .hasMessageContaining("--path brownian-bridge --path-param sigma=0.3");
        FmConfig otherSigma = sb.withPath(ComponentChoice.of("brownian-bridge"));
        assertThatThrownBy(() -> FlowMatching.bootstrap(otherSigma, registry))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sigma = 0.3").hasMessageContaining("sigma = 0.5")
                .hasMessageContaining("--path brownian-bridge --path-param sigma=0.3");
        assertThat(opened).hasValue(0);
        // matching sigmas, written differently, pass the check and reach the backend
        FmConfig fits = sb.withPath(ComponentChoice.parse("brownian-bridge", List.of("sigma=.30"), "--path-param"));
        assertThatThrownBy(() -> FlowMatching.bootstrap(fits, registry)).isInstanceOf(AssertionError.class)
                .hasMessage("the backend must not be opened");
        assertThat(opened).hasValue(1);
    }

    private static PluginRegistry withCountingBackend(AtomicInteger opened) {
        FmModule countingBackend = (Binder binder) -> FmBinders.backends(binder).add(ComponentFactory.of("counting",
                "opens nothing", List.of(), 1, params -> {
                    opened.incrementAndGet();
                    throw new AssertionError("the backend must not be opened");
                }));
        return Plugins.fromModules(List.of(countingBackend, new org.fmjvm.paths.PathsModule(),
                new org.fmjvm.solvers.SolversModule(), new CoreModule()));
    }

    @Test
    void twoPluginsUnderOneNameAreRejectedNamingBoth() {
        FmModule impostor = (Binder binder) -> FmBinders.paths(binder).add(ComponentFactory.of("cond-ot",
                "a second cond-ot", params -> new AffinePath(new CondOtScheduler())));
        assertThatThrownBy(() -> Plugins.fromModules(List.of(new org.fmjvm.paths.PathsModule(), impostor)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Two plugins register the path 'cond-ot'")
                .hasMessageContaining("org.fmjvm.paths.PathsModule")
                .hasMessageContaining(PluginWiringTest.class.getName());
    }

    @Test
    void parametersAreCheckedAgainstTheDeclaredOnes() {
        FmModule withParam = (Binder binder) -> FmBinders.paths(binder).add(ComponentFactory.of("poly-test",
                "a path with one parameter", List.of(ParamSpec.number("n", 1, "exponent")), params -> {
                    params.positive("n");
                    return new AffinePath(new CondOtScheduler());
                }));
        PluginRegistry registry = Plugins.fromModules(List.of(withParam, new org.fmjvm.paths.PathsModule()));
        assertThatThrownBy(() -> registry.select(ComponentKind.PATH,
                ComponentChoice.parse("cond-ot", List.of("n=2"), "--path-param")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("path 'cond-ot' has no parameter 'n'; known: none");
        assertThatThrownBy(() -> registry.select(ComponentKind.PATH,
                ComponentChoice.parse("poly-test", List.of("n=-1"), "--path-param")).create())
                .hasMessage("path 'poly-test': n must be > 0, got -1");
        assertThatThrownBy(() -> ComponentChoice.parse("poly-test", List.of("n"), "--path-param"))
                .hasMessage("--path-param expects key=value, got 'n'");
        assertThat(registry.select(ComponentKind.PATH, ComponentChoice.parse("poly-test", List.of("n=2"), "x")).label())
                .isEqualTo("poly-test {n=2}");
    }

    @Test
    void withoutAnyBackendTheErrorSaysWhatToAdd() {
        PluginRegistry registry = Plugins.fromModules(List.of(new org.fmjvm.paths.PathsModule()));
        assertThatThrownBy(() -> registry.preferred(ComponentKind.BACKEND))
                .hasMessageContaining("No backend plugin is on the class path").hasMessageContaining("fm-backend-djl");
        assertThat(registry.factories(ComponentKind.BACKEND)).isEmpty();
    }

    // ------------------------------------------------------------------ kinds declared by plugins

    /** A kind fm-api does not define: a monotone warp of [0, 1], as a plugin might add one. */
    private static final ComponentKind<DoubleUnaryOperator> WARP = ComponentKind.of("time-warp", DoubleUnaryOperator.class);

    private static final FmModule WARPS = (Binder binder) -> FmBinders.components(binder, WARP)
            .add(ComponentFactory.of("identity", "t", t -> x -> x))
            .add(ComponentFactory.of("power", "t^p", List.of(ParamSpec.number("p", 2, "exponent, > 0")), params -> {
                double p = params.positive("p");
                return x -> Math.pow(x, p);
            }));

    @Test
    void aKindAPluginDeclaresIsListedAfterTheBuiltInOnesAndSelectedByName() {
        PluginRegistry registry = Plugins.fromModules(List.of(new CoreModule(), WARPS));
        assertThat(registry.kinds()).extracting(ComponentKind::id)
                .containsExactly("backend", "path", "coupling", "solver", "time-sampler", "dataset", "time-warp");
        assertThat(registry.kind("time-warp")).contains(WARP);
        assertThat(registry.kind("warp")).isEmpty();
        assertThat(registry.names(WARP)).containsExactly("identity", "power");
        assertThat(registry.origin(WARP, "power")).startsWith(PluginWiringTest.class.getName());
        DoubleUnaryOperator cube = registry.select(WARP, ComponentChoice.parse("power", List.of("p=3"), "--x")).create();
        assertThat(cube.applyAsDouble(0.5)).isEqualTo(0.125);
        assertThat(registry.select(WARP, ComponentChoice.of("power")).create().applyAsDouble(0.5)).isEqualTo(0.25);
        assertThatThrownBy(() -> registry.select(WARP, ComponentChoice.of("cube")))
                .isInstanceOf(UnknownComponentException.class)
                .hasMessage("Unknown time-warp 'cube'; known: [identity, power]");
        assertThatThrownBy(() -> registry.select(WARP, ComponentChoice.parse("power", List.of("p=0"), "--x")).create())
                .hasMessage("time-warp 'power': p must be > 0, got 0");
    }

    @Test
    void aDeclaredKindWithoutComponentsIsListedAndItsErrorsSaySo() {
        ComponentKind<Runnable> task = ComponentKind.of("task", Runnable.class);
        FmModule declares = (Binder binder) -> FmBinders.components(binder, task);
        PluginRegistry registry = Plugins.fromModules(List.of(declares));
        assertThat(registry.kinds()).contains(task);
        assertThat(registry.names(task)).isEmpty();
        assertThatThrownBy(() -> registry.select(task, ComponentChoice.of("run")))
                .isInstanceOf(UnknownComponentException.class)
                .hasMessage("Unknown task 'run'; known: [] (no plugin of this kind is on the class path)");
        assertThatThrownBy(() -> registry.preferred(task)).isInstanceOf(ConfigurationException.class)
                .hasMessage("No task plugin is on the class path; add one that registers a task (fm list shows the"
                        + " kinds and their components)");
        // a kind nobody declared is not listed, and behaves as one without components
        ComponentKind<Runnable> other = ComponentKind.of("other-task", Runnable.class);
        assertThat(registry.kinds()).doesNotContain(other);
        assertThat(registry.names(other)).isEmpty();
        assertThatThrownBy(() -> registry.factory(other, "x")).isInstanceOf(UnknownComponentException.class)
                .hasMessageStartingWith("Unknown other-task 'x'; known: []");
    }

    @Test
    void twoPluginsDeclaringOneKindIdWithDifferentTypesAreRejectedNamingBoth() {
        FmModule other = new OtherWarpModule();
        assertThatThrownBy(() -> Plugins.fromModules(List.of(WARPS, other)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Two plugins declare the component kind 'time-warp' with different types: ")
                .hasMessageContaining(PluginWiringTest.class.getName() + " (")
                .hasMessageContaining(OtherWarpModule.class.getName() + " (")
                .hasMessageContaining(" as java.util.function.DoubleUnaryOperator")
                .hasMessageContaining(" as java.lang.Runnable")
                .hasMessageEndingWith("; rename one kind's id, or share one declaration of it");
        // one kind declared by two plugins with one type is one kind, holding both plugins' components
        FmModule more = (Binder binder) -> FmBinders.components(binder, ComponentKind.of("time-warp",
                DoubleUnaryOperator.class)).add(ComponentFactory.of("square", "t^2", t -> x -> x * x));
        assertThat(Plugins.fromModules(List.of(WARPS, more)).names(WARP)).containsExactly("identity", "power", "square");
    }

    /** Declares {@code time-warp} with another type than {@link #WARP}'s. */
    private static final class OtherWarpModule implements FmModule {
        @Override
        public void configure(Binder binder) {
            FmBinders.components(binder, ComponentKind.of("time-warp", Runnable.class));
        }
    }

    @Test
    void askingForADeclaredKindWithAnotherTypeNamesTheDeclaration() {
        PluginRegistry registry = Plugins.fromModules(List.of(WARPS));
        assertThatThrownBy(() -> registry.names(ComponentKind.of("time-warp", Runnable.class)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("The component kind 'time-warp' is declared by " + PluginWiringTest.class.getName())
                .hasMessageEndingWith(" with type java.util.function.DoubleUnaryOperator, but was asked for with type"
                        + " java.lang.Runnable; use one declaration of the kind");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aFactoryThatCreatesTheWrongTypeIsNamedWhenSelected() {
        ComponentFactory wrong = ComponentFactory.of("wrong", "makes a string", p -> "not an operator");
        FmModule broken = (Binder binder) -> FmBinders.components(binder, WARP).add(wrong);
        PluginRegistry registry = Plugins.fromModules(List.of(broken));
        assertThatThrownBy(() -> registry.select(WARP, ComponentChoice.of("wrong")).create())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The time-warp 'wrong' created a java.lang.String instead of a"
                        + " java.util.function.DoubleUnaryOperator; its plugin's factory is broken: fix or remove that"
                        + " plugin");
    }

    @Test
    void theTestKitOpensTheBackendTheRuntimePrefers() {
        String preferred = Plugins.discover().preferred(ComponentKind.BACKEND).name();
        try (Backend backend = BackendsOnClassPath.openPreferred()) {
            assertThat(backend.name()).isEqualTo(preferred);
        }
    }
}
