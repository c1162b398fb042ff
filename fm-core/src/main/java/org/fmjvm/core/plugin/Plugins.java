package org.fmjvm.core.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.spi.Message;

import org.fmjvm.api.error.FlowMatchingException;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.Registration;

/**
 * Discovers plugins: loads every {@link FmModule} named in a
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule} file with {@link ServiceLoader}, installs them
 * all in one Guice injector, and returns the {@link PluginRegistry} the injector builds from their
 * registrations. Discovery only instantiates the modules and their factories; no backend is
 * opened and no native library is loaded.
 */
public final class Plugins {

    private Plugins() {
    }

    /**
     * @return the registry of every plugin visible to the context class loader
     * @throws org.fmjvm.api.error.ConfigurationException if a module cannot be loaded or two plugins clash
     */
    public static PluginRegistry discover() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return discover(cl != null ? cl : Plugins.class.getClassLoader());
    }

    /**
     * @param loader where to look for plugin modules
     * @return the registry of every plugin visible to {@code loader}
     */
    public static PluginRegistry discover(ClassLoader loader) {
        List<Module> modules = new ArrayList<>();
        try {
            for (FmModule m : ServiceLoader.load(FmModule.class, loader)) {
                modules.add(m);
            }
        } catch (ServiceConfigurationError e) {
            throw new org.fmjvm.api.error.ConfigurationException("A plugin module could not be loaded: " + e.getMessage()
                    + "; check its META-INF/services/" + FmModule.class.getName() + " entry and that it has a public"
                    + " no-argument constructor", e);
        }
        return fromModules(modules);
    }

    /**
     * Builds a registry from explicit modules (tests, embedding without a services file).
     *
     * @param modules plugin modules
     * @return their registry
     */
    public static PluginRegistry fromModules(List<? extends Module> modules) {
        List<Module> all = new ArrayList<>(modules);
        all.add(new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), Registration.class); // an empty set when no plugin registers
            }
        });
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, all);
            return injector.getInstance(PluginRegistry.class);
        } catch (CreationException e) {
            throw translate(e.getErrorMessages(), e);
        } catch (ProvisionException e) {
            throw translate(e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw translate(e.getErrorMessages(), e);
        }
    }

    private static RuntimeException translate(Iterable<Message> messages, RuntimeException e) {
        for (Message m : messages) {
            if (m.getCause() instanceof FlowMatchingException f) {
                return f;
            }
        }
        Message first = messages.iterator().next();
        return new org.fmjvm.api.error.ConfigurationException("Plugin wiring failed: " + first.getMessage(), e);
    }
}
