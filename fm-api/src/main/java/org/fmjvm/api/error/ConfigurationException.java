package org.fmjvm.api.error;

/**
 * A configuration value is invalid: an out-of-range parameter ({@code n must be > 0, got -1}), a
 * parameter a component does not declare, two plugins under one name, or steps/batch/lr that are
 * not positive.
 */
public class ConfigurationException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    /** @param message the bad value and the fix */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message the bad value and the fix
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
