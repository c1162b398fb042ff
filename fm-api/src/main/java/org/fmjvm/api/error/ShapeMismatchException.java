package org.fmjvm.api.error;

/**
 * A tensor or array does not have the shape an operation needs, for example
 * {@code t must have shape [256, 1], got [256]}.
 */
public final class ShapeMismatchException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    /** @param message the expected and the actual shape */
    public ShapeMismatchException(String message) {
        super(message);
    }
}
