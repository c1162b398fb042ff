/**
 * The framework's entry point: {@link org.fmjvm.core.FlowMatching#bootstrap} discovers every plugin,
 * selects the configured components by name and returns an {@link org.fmjvm.core.FmRuntime}.
 */
package org.fmjvm.core;
