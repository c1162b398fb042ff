package org.fmjvm.api.spi;

import java.util.Objects;

/**
 * One factory contributed by one plugin module, as the host sees it after discovery.
 *
 * @param kind the component kind
 * @param factory the factory
 * @param origin the registering module class and the jar or folder it came from, for messages
 */
public record Registration(ComponentKind<?> kind, ComponentFactory<?> factory, String origin) {
    /** Rejects nulls. */
    public Registration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(origin, "origin");
    }
}
