package org.fmjvm.api.spi;

import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Objects;

import com.google.inject.Binder;
import com.google.inject.multibindings.Multibinder;

/**
 * Adds factories of one component kind to the host's registry. Obtain one from {@link FmBinders}
 * inside {@code FmModule.configure}; obtaining one for a kind fm-api does not define declares that
 * kind to the host (see {@link KindDeclaration}).
 *
 * @param <T> the component type
 */
public final class ComponentBinder<T> {
    private final ComponentKind<T> kind;
    private final Multibinder<Registration> registrations;
    private final String origin;

    ComponentBinder(Binder binder, ComponentKind<T> kind, Class<?> owner) {
        this.kind = kind;
        this.registrations = Multibinder.newSetBinder(binder.skipSources(ComponentBinder.class, FmBinders.class),
                Registration.class);
        this.origin = describe(owner);
        if (!kind.isBuiltIn()) {
            Multibinder<KindDeclaration> kinds = Multibinder.newSetBinder(
                    binder.skipSources(ComponentBinder.class, FmBinders.class), KindDeclaration.class);
            kinds.permitDuplicates();
            kinds.addBinding().toInstance(new KindDeclaration(kind, origin));
        }
    }

    /**
     * Registers a factory under its {@link ComponentFactory#name()}. Two registrations of one name
     * in one kind make the host fail at start-up, naming both origins.
     *
     * @param factory the factory
     * @return this binder, for chaining
     */
    public ComponentBinder<T> add(ComponentFactory<? extends T> factory) {
        Objects.requireNonNull(factory, "factory");
        registrations.addBinding().toInstance(new Registration(kind, factory, origin));
        return this;
    }

    private static String describe(Class<?> owner) {
        String where = "unknown location";
        CodeSource source = owner.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            URL url = source.getLocation();
            try {
                where = Path.of(url.toURI()).getFileName().toString();
            } catch (Exception e) {
                where = url.toString();
            }
        }
        return owner.getName() + " (" + where + ")";
    }
}
