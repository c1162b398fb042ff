package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

import org.fmjvm.api.Backend;
import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.api.spi.Registration;
import org.fmjvm.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

/** Discovery and registration of the {@code tf} backend. */
class TfModuleTest {

    private static ComponentFactory<?> factory() {
        Set<Registration> registrations = Guice.createInjector(new TfModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        assertThat(registrations).hasSize(1);
        Registration r = registrations.iterator().next();
        assertThat(r.kind()).isEqualTo(ComponentKind.BACKEND);
        assertThat(r.origin()).contains(TfModule.class.getName());
        return r.factory();
    }

    private static ComponentParams params(ComponentFactory<?> f, Map<String, String> given) {
        return new ComponentParams("backend 'tf'", f.parameters(), given);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(FmModule.class).stream().map(ServiceLoader.Provider::type))
                .contains(TfModule.class);
    }

    /**
     * Discovery builds the injector and reads the factory without loading TensorFlow's native
     * libraries; opening the backend loads them. Checked in a fresh JVM through its memory map.
     */
    @Test
    void discoveryDoesNotLoadTheNatives() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        assertThat(ChildJvm.results(Discovery.class)).containsExactly("result after discovery: false",
                "result after open: true");
    }

    /** The child JVM of {@link #discoveryDoesNotLoadTheNatives}. */
    public static final class Discovery {
        private Discovery() {
        }

        @SuppressWarnings("try") // the backend is opened for its effect: loading the natives
        public static void main(String[] args) throws Exception {
            ComponentFactory<?> f = factory();
            f.name();
            f.parameters();
            System.out.println("result after discovery: " + tensorflowLoaded());
            try (Backend b = (Backend) f.create(params(f, Map.of()))) {
                System.out.println("result after open: " + tensorflowLoaded());
            }
        }

        private static boolean tensorflowLoaded() throws IOException {
            return Files.readString(Path.of("/proc/self/maps")).contains("libtensorflow");
        }
    }

    @Test
    void registersTheTfBackendBelowDjlWithItsParameters() {
        ComponentFactory<?> f = factory();
        assertThat(f.name()).isEqualTo("tf");
        assertThat(f.rank()).isEqualTo(50).isLessThan(100);
        assertThat(f.parameters()).extracting(ParamSpec::name).containsExactly("threads", "device");
        assertThat(f.parameters()).extracting(ParamSpec::defaultValue).containsExactly("auto", "cpu");
        assertThat(f.parameters()).extracting(ParamSpec::type).containsOnly(ParamSpec.Type.TEXT);
        assertThat(f.description()).contains("TensorFlow");
    }

    @Test
    void createsBackendsFromParameters() {
        ComponentFactory<?> f = factory();
        try (Backend b = (Backend) f.create(params(f, Map.of()))) {
            assertThat(b.name()).isEqualTo("tf");
            assertThat(b.description()).contains("threads auto");
        }
        try (Backend b = (Backend) f.create(params(f, Map.of("threads", "1")))) {
            assertThat(b.description()).contains("threads 1 (");
        }
        assertThatThrownBy(() -> f.create(params(f, Map.of("threads", "lots"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lots");
        assertThatThrownBy(() -> f.create(params(f, Map.of("device", "gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("GPU").hasMessageContaining("cpu");
        assertThatThrownBy(() -> params(f, Map.of("thread", "1"))).isInstanceOf(ConfigurationException.class);
    }
}
