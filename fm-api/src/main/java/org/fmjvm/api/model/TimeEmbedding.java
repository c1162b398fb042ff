package org.fmjvm.api.model;

import org.fmjvm.api.error.ConfigurationException;

/**
 * How the time {@code t} enters the network: the features that are concatenated after {@code x}.
 * The network input is {@code concat(x, features(t))}, of width {@code dim + width()}.
 */
public sealed interface TimeEmbedding permits TimeEmbedding.Raw, TimeEmbedding.Sinusoidal {

    /** @return the number of time features */
    int width();

    /**
     * The reference definition every backend must match.
     *
     * @param t a time in [0, 1]
     * @return the {@link #width()} features of {@code t}
     */
    double[] features(double t);

    /** @return the configuration text that parses back to this embedding */
    String id();

    /** The time itself, one feature: the network sees {@code concat(x, t)}. */
    record Raw() implements TimeEmbedding {
        @Override
        public int width() {
            return 1;
        }

        @Override
        public double[] features(double t) {
            return new double[] {t};
        }

        @Override
        public String id() {
            return "raw";
        }
    }

    /**
     * {@code t} followed by sinusoidal features at octave-spaced frequencies:
     * {@code [t, sin(pi 2^0 t), ..., sin(pi 2^(F-1) t), cos(pi 2^0 t), ..., cos(pi 2^(F-1) t)]}, width
     * {@code 1 + 2F}. Lets a small network resolve fast changes of the velocity in time.
     *
     * @param frequencies {@code F}, between 1 and 16
     */
    record Sinusoidal(int frequencies) implements TimeEmbedding {
        /** Validates the number of frequencies. */
        public Sinusoidal {
            if (frequencies < 1 || frequencies > 16) {
                throw new ConfigurationException("sinusoidal time embedding needs 1..16 frequencies, got "
                        + frequencies);
            }
        }

        /**
         * @param k frequency index in {@code [0, frequencies)}
         * @return the angular frequency {@code pi 2^k}
         */
        public double omega(int k) {
            return Math.PI * Math.scalb(1.0, k);
        }

        @Override
        public int width() {
            return 1 + 2 * frequencies;
        }

        @Override
        public double[] features(double t) {
            double[] f = new double[width()];
            f[0] = t;
            for (int k = 0; k < frequencies; k++) {
                f[1 + k] = Math.sin(omega(k) * t);
                f[1 + frequencies + k] = Math.cos(omega(k) * t);
            }
            return f;
        }

        @Override
        public String id() {
            return "sinusoidal:" + frequencies;
        }
    }

    /**
     * @param text {@code raw}, {@code sinusoidal} (6 frequencies) or {@code sinusoidal:F}
     * @return the embedding
     * @throws ConfigurationException on anything else
     */
    static TimeEmbedding parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("raw")) {
            return new Raw();
        }
        if (s.equals("sinusoidal")) {
            return new Sinusoidal(6);
        }
        if (s.startsWith("sinusoidal:")) {
            try {
                return new Sinusoidal(Integer.parseInt(s.substring("sinusoidal:".length())));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("time embedding '" + text
                        + "': the number of frequencies must be an integer, e.g. sinusoidal:6", e);
            }
        }
        throw new ConfigurationException("Unknown time embedding '" + text
                + "'; known: [raw, sinusoidal, sinusoidal:F]");
    }
}
