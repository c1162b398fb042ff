/**
 * The plugin SPI: an {@link org.fmjvm.api.spi.FmModule} found by {@link org.fmjvm.api.spi.PluginDiscovery}
 * contributes named {@link org.fmjvm.api.spi.ComponentFactory} instances through the binders of
 * {@link org.fmjvm.api.spi.FmBinders}, for the built-in {@link org.fmjvm.api.spi.ComponentKind}s or
 * kinds it declares itself; the host picks one per kind by name.
 */
package org.fmjvm.api.spi;
