package org.fmjvm.api.error;

/**
 * A checkpoint is missing, truncated, corrupt, or does not match the model it is loaded into.
 * Messages name the file and the problem.
 */
public final class CheckpointException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    /** @param message the file and the problem */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * @param message the file and the problem
     * @param cause the underlying failure
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
