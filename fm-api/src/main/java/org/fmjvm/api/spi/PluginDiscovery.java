package org.fmjvm.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.Message;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.FlowMatchingException;

/**
 * The one discovery routine every host uses (fm-core's runtime and fm-testkit alike): loads each
 * {@link FmModule} named in a {@code META-INF/services/org.fmjvm.api.spi.FmModule} file with
 * {@link ServiceLoader}, installs them all in one Guice injector, and returns what they contributed.
 * A module that cannot be loaded or configured fails here with one message naming it and the fix.
 * Discovery instantiates the modules and their factories only: no component is created and no native
 * library is loaded.
 *
 * <p>Stateless and thread-safe: every call scans again.
 */
public final class PluginDiscovery {

    private PluginDiscovery() {
    }

    /**
     * What the plugin modules contributed.
     *
     * @param kinds the kinds they declared beyond those of {@link ComponentKind#all()}
     * @param registrations their component factories
     */
    public record Contributions(Set<KindDeclaration> kinds, Set<Registration> registrations) {
        /** Copies. */
        public Contributions {
            kinds = Set.copyOf(kinds);
            registrations = Set.copyOf(registrations);
        }
    }

    /**
     * @return the thread's context class loader, or this library's loader when it has none: where
     *     {@link #discover()} looks
     */
    public static ClassLoader defaultLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : PluginDiscovery.class.getClassLoader();
    }

    /**
     * @return what every plugin visible to {@link #defaultLoader()} contributes
     * @throws ConfigurationException if a module cannot be loaded or configured
     */
    public static Contributions discover() {
        return discover(defaultLoader());
    }

    /**
     * @param loader where to look for plugin modules
     * @return what every plugin visible to {@code loader} contributes
     * @throws ConfigurationException if a module cannot be loaded or configured
     */
    public static Contributions discover(ClassLoader loader) {
        return contributions(modules(loader));
    }

    /**
     * The class-path scan: every module listed in a services file visible to {@code loader}, in the
     * order {@link ServiceLoader} finds them.
     *
     * @param loader where to look
     * @return a new instance of each module
     * @throws ConfigurationException naming the services entry when a module cannot be loaded (missing
     *     class, no public no-argument constructor, failing initialiser)
     */
    public static List<FmModule> modules(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        List<FmModule> modules = new ArrayList<>();
        try {
            for (FmModule m : ServiceLoader.load(FmModule.class, loader)) {
                modules.add(m);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigurationException("A plugin module could not be loaded: " + e.getMessage() + cause(e)
                    + "; check its META-INF/services/" + FmModule.class.getName() + " entry and that it has a public"
                    + " no-argument constructor", e);
        }
        return modules;
    }

    /**
     * Installs explicit modules (tests, embedding without a services file) in one injector.
     *
     * @param modules plugin modules
     * @return what they contribute
     * @throws ConfigurationException naming the module if its {@code configure} fails; a
     *     {@link FlowMatchingException} it threw is passed on as it is
     */
    public static Contributions contributions(List<? extends Module> modules) {
        List<Module> all = new ArrayList<>(modules);
        all.add(new AbstractModule() {
            @Override
            protected void configure() {
                // empty sets when no plugin contributes
                Multibinder.newSetBinder(binder(), Registration.class);
                Multibinder.newSetBinder(binder(), KindDeclaration.class).permitDuplicates();
            }
        });
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, all);
            return new Contributions(injector.getInstance(Key.get(new TypeLiteral<Set<KindDeclaration>>() { })),
                    injector.getInstance(Key.get(new TypeLiteral<Set<Registration>>() { })));
        } catch (CreationException e) {
            throw translate(modules, e.getErrorMessages(), e);
        } catch (ProvisionException e) {
            throw translate(modules, e.getErrorMessages(), e);
        } catch (com.google.inject.ConfigurationException e) {
            throw translate(modules, e.getErrorMessages(), e);
        }
    }

    private static RuntimeException translate(List<? extends Module> modules, Iterable<Message> messages,
            RuntimeException e) {
        for (Message m : messages) {
            if (m.getCause() instanceof FlowMatchingException f) {
                return f;
            }
        }
        // name the module that failed: record each one's bindings again (modules only declare bindings,
        // so this has no effect) and find the first that reports an error of its own
        for (Module module : modules) {
            for (Element element : Elements.getElements(module)) {
                if (element instanceof Message m) {
                    String what = m.getCause() != null && m.getCause().getMessage() != null
                            ? m.getCause().getMessage() : m.getMessage();
                    return new ConfigurationException("Plugin module " + module.getClass().getName()
                            + " failed to configure: " + what + "; fix or remove that plugin", e);
                }
            }
        }
        Message first = messages.iterator().next();
        return new ConfigurationException("Plugin wiring failed: " + first.getMessage(), e);
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? "" : " (" + root.getClass().getSimpleName() + ": "
                + root.getMessage() + ")";
    }
}
