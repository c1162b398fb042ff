package org.fmjvm.api.error;

/**
 * Root of every exception the framework throws on purpose. Messages are one line, name the bad
 * value and say how to fix it, so the command line can print {@link #getMessage()} as is.
 */
public class FlowMatchingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: the bad value and the fix */
    public FlowMatchingException(String message) {
        super(message);
    }

    /**
     * @param message one line: the bad value and the fix
     * @param cause the underlying failure
     */
    public FlowMatchingException(String message, Throwable cause) {
        super(message, cause);
    }
}
