package org.fmjvm.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.inject.Binder;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The discovery routine's failures: a broken services entry, a module whose configure fails. */
class PluginDiscoveryTest {

    private static final ComponentKind<Runnable> TASK = ComponentKind.of("task", Runnable.class);

    @TempDir
    Path dir;

    @Test
    void aServicesEntryNamingAMissingClassFailsNamingItAndTheFile() throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(FmModule.class.getName()), "com.example.NoSuchModule\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                PluginDiscoveryTest.class.getClassLoader())) {
            assertThatThrownBy(() -> PluginDiscovery.modules(loader))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("A plugin module could not be loaded: ")
                    .hasMessageContaining("com.example.NoSuchModule")
                    .hasMessageEndingWith("; check its META-INF/services/org.fmjvm.api.spi.FmModule entry and that it"
                            + " has a public no-argument constructor");
        }
    }

    @Test
    void aLoaderWithoutServicesFindsNothing() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(PluginDiscovery.modules(loader)).isEmpty();
        }
        PluginDiscovery.Contributions none = PluginDiscovery.contributions(List.of());
        assertThat(none.kinds()).isEmpty();
        assertThat(none.registrations()).isEmpty();
    }

    @Test
    void aModuleThatFailsInConfigureIsOneMessageWithTheCause() {
        FmModule broken = (Binder binder) -> FmBinders.components(binder, ComponentKind.of("Bad Kind", Runnable.class));
        assertThatThrownBy(() -> PluginDiscovery.contributions(List.of(broken)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Plugin module " + PluginDiscoveryTest.class.getName())
                .hasMessageEndingWith(" failed to configure: component kind ids are kebab-case (a letter, then [a-z0-9]"
                        + " words joined by '-'), got 'Bad Kind'; fix or remove that plugin");
    }

    @Test
    void aBinderForADeclaredKindDeclaresItOnceAndRegistersItsFactories() {
        FmModule tasks = (Binder binder) -> {
            FmBinders.components(binder, TASK).add(ComponentFactory.of("noop", "does nothing", p -> () -> { }));
            FmBinders.components(binder, TASK).add(ComponentFactory.of("also-noop", "does nothing", p -> () -> { }));
        };
        FmModule paths = (Binder binder) -> FmBinders.paths(binder);
        PluginDiscovery.Contributions c = PluginDiscovery.contributions(List.of(tasks, paths));
        assertThat(c.kinds()).extracting(KindDeclaration::kind).containsExactly(TASK);
        assertThat(c.kinds()).singleElement().extracting(KindDeclaration::origin).asString()
                .startsWith(PluginDiscoveryTest.class.getName());
        assertThat(c.registrations()).extracting(r -> r.kind().id() + ":" + r.factory().name())
                .containsExactlyInAnyOrder("task:noop", "task:also-noop");
    }
}
