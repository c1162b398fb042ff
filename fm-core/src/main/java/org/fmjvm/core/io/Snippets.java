package org.fmjvm.core.io;

/**
 * Short excerpts of untrusted text for error messages: a message about a damaged file names the field
 * and shows at most a short, single-line piece of the offending value, never the file's contents.
 *
 * <p>Stateless and thread-safe.
 */
public final class Snippets {

    /** The longest excerpt, in characters, ellipsis included. */
    public static final int MAX_CHARS = 80;

    private Snippets() {
    }

    /**
     * @param value any value, possibly {@code null}
     * @return its text on one line (control characters shown as {@code ?}), cut to {@value #MAX_CHARS}
     *     characters with a trailing {@code ...}
     */
    public static String excerpt(Object value) {
        return excerpt(value, MAX_CHARS);
    }

    /**
     * @param value any value, possibly {@code null}
     * @param maxChars the longest result, {@code >= 4}
     * @return its text on one line (control characters shown as {@code ?}), cut to {@code maxChars}
     *     characters with a trailing {@code ...}
     */
    public static String excerpt(Object value, int maxChars) {
        if (maxChars < 4) {
            throw new IllegalArgumentException("maxChars must be >= 4, got " + maxChars);
        }
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars));
        for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > maxChars) {
            out.setLength(maxChars - 3);
            out.append("...");
        }
        return out.toString();
    }
}
