package org.fmjvm.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
import org.junit.jupiter.api.Test;

/** Discovery and registration of the {@code djl} backend. */
class DjlModuleTest {

    private static ComponentFactory<?> factory() {
        Set<Registration> registrations = Guice.createInjector(new DjlModule())
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        assertThat(registrations).hasSize(1);
        Registration r = registrations.iterator().next();
        assertThat(r.kind()).isEqualTo(ComponentKind.BACKEND);
        assertThat(r.origin()).contains(DjlModule.class.getName());
        return r.factory();
    }

    private static ComponentParams params(ComponentFactory<?> f, Map<String, String> given) {
        return new ComponentParams("backend 'djl'", f.parameters(), given);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(FmModule.class).stream().map(ServiceLoader.Provider::type))
                .contains(DjlModule.class);
    }

    @Test
    void registersTheDjlBackendWithItsParameters() {
        ComponentFactory<?> f = factory();
        assertThat(f.name()).isEqualTo("djl");
        assertThat(f.rank()).isEqualTo(100);
        assertThat(f.parameters()).extracting(ParamSpec::name).containsExactly("threads", "device", "mkl-dispatch",
                "malloc");
        assertThat(f.parameters()).extracting(ParamSpec::defaultValue).containsExactly("auto", "cpu", "auto", "keep");
        assertThat(f.description()).contains("PyTorch");
    }

    @Test
    void createsBackendsFromParameters() {
        ComponentFactory<?> f = factory();
        try (Backend b = (Backend) f.create(params(f, Map.of()))) {
            assertThat(b.description()).contains("threads auto");
        }
        try (Backend b = (Backend) f.create(params(f, Map.of("threads", "1")))) {
            assertThat(b.description()).contains("threads 1, MKL");
        }
        assertThatThrownBy(() -> f.create(params(f, Map.of("threads", "lots"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lots");
        assertThatThrownBy(() -> f.create(params(f, Map.of("device", "gpu"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("CUDA");
        assertThatThrownBy(() -> params(f, Map.of("thread", "1"))).isInstanceOf(ConfigurationException.class);
        assertThat(List.of(f.parameters().get(0).type())).containsExactly(ParamSpec.Type.TEXT);
    }
}
