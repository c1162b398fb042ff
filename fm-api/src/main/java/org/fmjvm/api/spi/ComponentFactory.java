package org.fmjvm.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Creates one named component. Registered by a plugin's {@link FmModule} through
 * {@link FmBinders}; discovery only reads {@link #name()}, {@link #description()},
 * {@link #parameters()} and {@link #rank()}, so it is cheap: {@link #create} does the work
 * (for a backend, loading its natives) and runs only for the selected component.
 *
 * @param <T> the component type
 */
public interface ComponentFactory<T> {

    /** @return the stable kebab-case name users select it by, e.g. {@code cond-ot} */
    String name();

    /** @return one line for {@code fm list} */
    String description();

    /** @return the parameters {@link #create} accepts; none by default */
    default List<ParamSpec> parameters() {
        return List.of();
    }

    /**
     * @return the preference when the configuration names none of this kind: the highest rank
     *     wins (only backends use it; a backend plugin is chosen by adding its module)
     */
    default int rank() {
        return 0;
    }

    /**
     * @param params the configured parameters, already checked against {@link #parameters()}
     * @return a new component
     * @throws org.fmjvm.api.error.ConfigurationException if a value is out of range
     */
    T create(ComponentParams params);

    /**
     * @param name the stable name
     * @param description one line
     * @param create makes the component (parameters are ignored)
     * @param <T> the component type
     * @return a factory without parameters
     */
    static <T> ComponentFactory<T> of(String name, String description, Function<ComponentParams, T> create) {
        return of(name, description, List.of(), 0, create);
    }

    /**
     * @param name the stable name
     * @param description one line
     * @param parameters the accepted parameters
     * @param create makes the component from checked parameters
     * @param <T> the component type
     * @return a factory
     */
    static <T> ComponentFactory<T> of(String name, String description, List<ParamSpec> parameters,
            Function<ComponentParams, T> create) {
        return of(name, description, parameters, 0, create);
    }

    /**
     * @param name the stable name
     * @param description one line
     * @param parameters the accepted parameters
     * @param rank preference when none is named
     * @param create makes the component from checked parameters
     * @param <T> the component type
     * @return a factory
     */
    static <T> ComponentFactory<T> of(String name, String description, List<ParamSpec> parameters, int rank,
            Function<ComponentParams, T> create) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(create, "create");
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("component names are kebab-case ([a-z0-9] words joined by '-'), got '"
                    + name + "'");
        }
        List<ParamSpec> params = List.copyOf(parameters);
        return new ComponentFactory<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<ParamSpec> parameters() {
                return params;
            }

            @Override
            public int rank() {
                return rank;
            }

            @Override
            public T create(ComponentParams p) {
                return create.apply(p);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
