package org.fmjvm.api.error;

/**
 * Training or evaluation data is unusable: a malformed or ragged CSV line, a non-numeric field, NaN
 * or infinite values, or a dimension that disagrees with a model. Messages name the file and line.
 */
public final class DataException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    /** @param message the file, the line and the problem */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message the file, the line and the problem
     * @param cause the underlying failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
