package org.fmjvm.api.error;

import java.util.List;

/**
 * A component was asked for by a name no plugin registered, for example
 * {@code Unknown path 'sigmod'; known: [cond-ot, cosine, vp]}.
 */
public final class UnknownComponentException extends ConfigurationException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;
    private final List<String> known;

    /**
     * @param kind the component kind, e.g. {@code path}
     * @param name the requested name
     * @param known every registered name of that kind, sorted
     */
    public UnknownComponentException(String kind, String name, List<String> known) {
        super("Unknown " + kind + " '" + name + "'; known: " + known
                + (known.isEmpty() ? " (no plugin of this kind is on the class path)" : ""));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
    }

    /** @return the component kind, e.g. {@code path} */
    public String kind() {
        return kind;
    }

    /** @return the name that was asked for */
    public String name() {
        return name;
    }

    /** @return the registered names of that kind, sorted */
    public List<String> known() {
        return known;
    }
}
