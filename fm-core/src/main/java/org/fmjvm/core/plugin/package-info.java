/** Plugin discovery ({@link java.util.ServiceLoader} into one Guice injector) and the registry that selects components by name. */
package org.fmjvm.core.plugin;
