package org.fmjvm.core.train;

import java.util.Locale;

import org.fmjvm.api.error.ConfigurationException;

/**
 * How the learning rate changes over a run, as a factor of the optimizer's base rate. Immutable.
 */
public sealed interface LearningRateSchedule permits LearningRateSchedule.Constant, LearningRateSchedule.Cosine {

    /**
     * @param step 0-based step index
     * @param totalSteps the run's length
     * @return the factor applied to the base learning rate at {@code step}
     */
    double factor(int step, int totalSteps);

    /** @return the configuration text that parses back to this schedule */
    String id();

    /** The base rate throughout (the tutorial's recipe). */
    record Constant() implements LearningRateSchedule {
        @Override
        public double factor(int step, int totalSteps) {
            return 1;
        }

        @Override
        public String id() {
            return "constant";
        }
    }

    /**
     * Half a cosine from the base rate at the first step down to {@code finalFactor} times it at the
     * last: {@code f = final + (1 - final) (1 + cos(pi s / (S - 1))) / 2}. Lowering the rate at the end
     * averages out the last steps' gradient noise, which otherwise shows as unequal mode weights.
     *
     * @param finalFactor the factor at the last step, in [0, 1]
     */
    record Cosine(double finalFactor) implements LearningRateSchedule {
        /** Validates the final factor. */
        public Cosine {
            if (!(finalFactor >= 0 && finalFactor <= 1)) {
                throw new ConfigurationException("cosine schedule's final factor must be in [0, 1], got " + finalFactor);
            }
        }

        @Override
        public double factor(int step, int totalSteps) {
            if (totalSteps <= 1) {
                return 1;
            }
            double progress = Math.min(1.0, (double) step / (totalSteps - 1));
            return finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }

        @Override
        public String id() {
            return "cosine:" + finalFactor;
        }
    }

    /**
     * @param text {@code constant}, {@code cosine} (down to 0) or {@code cosine:F}
     * @return the schedule
     */
    static LearningRateSchedule parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("constant")) {
            return new Constant();
        }
        if (s.equals("cosine")) {
            return new Cosine(0);
        }
        if (s.startsWith("cosine:")) {
            try {
                return new Cosine(Double.parseDouble(s.substring("cosine:".length())));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("learning-rate schedule '" + text
                        + "': the final factor must be a number, e.g. cosine:0.1");
            }
        }
        throw new ConfigurationException("Unknown learning-rate schedule '" + text
                + "'; known: [constant, cosine, cosine:F]");
    }
}
