package org.fmjvm.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;

import org.fmjvm.api.Backend;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.Registration;

/**
 * Opens the highest-ranked backend found on the test class path, for plugin tests (paths, solvers)
 * that need tensors but must not depend on a particular backend's classes.
 */
public final class BackendsOnClassPath {

    private BackendsOnClassPath() {
    }

    /**
     * @return the preferred backend on the class path, opened with default parameters
     * @throws IllegalStateException if no backend plugin is on the class path
     */
    public static Backend openPreferred() {
        return open(Map.of());
    }

    /**
     * @param params backend parameters, e.g. {@code threads=1}
     * @return the preferred backend on the class path, opened with {@code params}
     */
    @SuppressWarnings("unchecked")
    public static Backend open(Map<String, String> params) {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(FmModule.class).forEach(modules::add);
        modules.add(binder -> Multibinder.newSetBinder(binder, Registration.class));
        Set<Registration> registrations = Guice.createInjector(Stage.PRODUCTION, modules)
                .getInstance(Key.get(new TypeLiteral<Set<Registration>>() { }));
        ComponentFactory<Backend> best = registrations.stream()
                .filter(r -> r.kind() == ComponentKind.BACKEND)
                .map(r -> (ComponentFactory<Backend>) r.factory())
                .max(Comparator.comparingInt(ComponentFactory::rank))
                .orElseThrow(() -> new IllegalStateException("no backend plugin on the test class path"));
        return best.create(new ComponentParams("backend '" + best.name() + "'", best.parameters(), params));
    }
}
