package org.fmjvm.api.spi;

import java.util.Objects;

/**
 * A component kind a plugin module declared (by obtaining a binder for it), as the host sees it after
 * discovery: the host lists the kind even while no component of it is registered, and rejects two
 * declarations of one id with different types, naming both origins.
 *
 * @param kind the declared kind
 * @param origin the declaring module class and the jar or folder it came from, for messages
 */
public record KindDeclaration(ComponentKind<?> kind, String origin) {
    /** Rejects nulls. */
    public KindDeclaration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
    }
}
