package org.fmjvm.api.error;

/** The training loss became NaN or infinite; the message names the step and suggests a fix. */
public final class TrainingDivergedException extends FlowMatchingException {
    private static final long serialVersionUID = 1L;

    private final int step;

    /**
     * @param step the (1-based) step whose loss was not finite
     * @param loss the loss value
     */
    public TrainingDivergedException(int step, double loss) {
        super("Training diverged: loss is " + loss + " at step " + step
                + "; lower the learning rate (--lr) or enable gradient clipping");
        this.step = step;
    }

    /** @return the (1-based) step whose loss was not finite */
    public int step() {
        return step;
    }
}
