package org.fmjvm.api.error;

/**
 * A backend cannot be opened (natives missing, unsupported device) or a native operation failed.
 * Native errors are wrapped here so callers never see an engine-specific exception type.
 */
public final class BackendException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to check */
    public BackendException(String message) {
        super(message);
    }

    /**
     * @param message what failed and what to check
     * @param cause the engine's exception
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
