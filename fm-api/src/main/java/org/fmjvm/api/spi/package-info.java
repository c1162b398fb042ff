/**
 * The plugin SPI: an {@link org.fmjvm.api.spi.FmModule} found by {@link java.util.ServiceLoader}
 * contributes named {@link org.fmjvm.api.spi.ComponentFactory} instances through the typed binders
 * of {@link org.fmjvm.api.spi.FmBinders}; the host picks one per kind by name.
 */
package org.fmjvm.api.spi;
