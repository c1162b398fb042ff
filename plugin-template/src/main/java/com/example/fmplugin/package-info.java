/**
 * A plugin jar for fm-jvm built against fm-api alone: the {@code sigmoid} path (a schedule for
 * {@link org.fmjvm.api.path.AffinePath}), the {@code sorted-projection} coupling, Ralston's method as
 * the solver {@code ralston} and the data set {@code ring}, all registered by
 * {@link com.example.fmplugin.ExamplePluginsModule}.
 */
package com.example.fmplugin;
