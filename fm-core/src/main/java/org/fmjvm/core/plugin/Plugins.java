package org.fmjvm.core.plugin;

import java.util.List;

import com.google.inject.Module;

import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.PluginDiscovery;

/**
 * Discovers plugins: every {@link FmModule} named in a
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule} file, through {@link PluginDiscovery} (the one
 * discovery routine, which fm-testkit uses too), gathered in a {@link PluginRegistry}. Discovery only
 * instantiates the modules and their factories; no backend is opened and no native library is loaded.
 * Every call scans again (a few milliseconds once the classes are loaded); callers that hold a
 * registry pass it on instead.
 */
public final class Plugins {

    private Plugins() {
    }

    /**
     * @return the registry of every plugin visible to the context class loader
     * @throws org.fmjvm.api.error.ConfigurationException if a module cannot be loaded or two plugins clash
     */
    public static PluginRegistry discover() {
        return discover(PluginDiscovery.defaultLoader());
    }

    /**
     * @param loader where to look for plugin modules
     * @return the registry of every plugin visible to {@code loader}
     * @throws org.fmjvm.api.error.ConfigurationException if a module cannot be loaded or two plugins clash
     */
    public static PluginRegistry discover(ClassLoader loader) {
        return new PluginRegistry(PluginDiscovery.discover(loader));
    }

    /**
     * Builds a registry from explicit modules (tests, embedding without a services file).
     *
     * @param modules plugin modules
     * @return their registry
     * @throws org.fmjvm.api.error.ConfigurationException if a module fails or two plugins clash
     */
    public static PluginRegistry fromModules(List<? extends Module> modules) {
        return new PluginRegistry(PluginDiscovery.contributions(modules));
    }
}
