/**
 * An example path plugin built outside the framework against fm-api only: the {@code sigmoid}
 * schedule for {@link org.fmjvm.api.path.AffinePath}, registered by {@link
 * org.fmjvm.example.plugin.SigmoidPathModule}.
 */
package org.fmjvm.example.plugin;
