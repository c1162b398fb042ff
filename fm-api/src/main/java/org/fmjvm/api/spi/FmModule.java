package org.fmjvm.api.spi;

import com.google.inject.Module;

/**
 * Marker for a plugin's Guice module. The host finds every implementation with
 * {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule}) and installs them all in one injector.
 *
 * <p>A module only declares bindings, through {@link FmBinders}: no native loading, no file access
 * and no branching on configuration in {@code configure()}. Work happens when a component is
 * created, and only for the components the configuration selects.
 *
 * <pre>{@code
 * public final class MyPathModule implements FmModule {
 *     public void configure(Binder binder) {
 *         FmBinders.paths(binder).add(ComponentFactory.of("sigmoid", "alpha = sigmoid schedule",
 *                 params -> new AffinePath(new SigmoidScheduler())));
 *     }
 * }
 * }</pre>
 */
public interface FmModule extends Module {
}
