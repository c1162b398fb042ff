package org.fmjvm.core.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.UnknownComponentException;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;

/**
 * Data sets by name, and resolution of a command-line value that is either such a name or the path
 * of a CSV file. Data sets are plugins of kind {@link ComponentKind#DATASET}: the built-in ones below
 * are registered by {@link org.fmjvm.core.plugin.CoreModule}, and a plugin jar adds more with
 * {@code FmBinders.datasets(binder).add(factory)}; every lookup goes through a {@link PluginRegistry}.
 * The methods without a registry discover the plugins on the class path on each call
 * ({@link Plugins#discover()}); pass the registry when one is at hand.
 *
 * <p>Thread safety: stateless; every method is thread-safe. Each call returns a new data set.
 */
public final class Datasets {

    /** The tutorial's target, see {@link GaussianMixture#fourGaussians()}. */
    public static final String FOUR_GAUSSIANS = "four-gaussians";
    /** The eight-Gaussian ring, see {@link GaussianMixture#eightGaussians()}. */
    public static final String EIGHT_GAUSSIANS = "eight-gaussians";
    /** See {@link Moons}. */
    public static final String MOONS = "moons";
    /** See {@link Circles}. */
    public static final String CIRCLES = "circles";
    /** See {@link Checkerboard}. */
    public static final String CHECKERBOARD = "checkerboard";
    /** See {@link TwoSpirals}. */
    public static final String TWO_SPIRALS = "two-spirals";

    private Datasets() {
    }

    /**
     * @return the factories of the data sets that ship with fm-core, which
     *     {@link org.fmjvm.core.plugin.CoreModule} registers; they take no parameters
     */
    public static List<ComponentFactory<Dataset>> builtIns() {
        return List.of(
                ComponentFactory.of(FOUR_GAUSSIANS, GaussianMixture.FOUR_DESCRIPTION, p -> GaussianMixture.fourGaussians()),
                ComponentFactory.of(EIGHT_GAUSSIANS, GaussianMixture.EIGHT_DESCRIPTION,
                        p -> GaussianMixture.eightGaussians()),
                ComponentFactory.of(MOONS, Moons.DESCRIPTION, p -> new Moons()),
                ComponentFactory.of(CIRCLES, Circles.DESCRIPTION, p -> new Circles()),
                ComponentFactory.of(CHECKERBOARD, Checkerboard.DESCRIPTION, p -> new Checkerboard()),
                ComponentFactory.of(TWO_SPIRALS, TwoSpirals.DESCRIPTION, p -> new TwoSpirals()));
    }

    /** @return the names of the data sets of the plugins on the class path, sorted */
    public static List<String> names() {
        return names(Plugins.discover());
    }

    /**
     * @param registry the plugins to look in
     * @return the names of their data sets, sorted
     */
    public static List<String> names(PluginRegistry registry) {
        return registry.names(ComponentKind.DATASET);
    }

    /**
     * @param name a data set's name, e.g. {@code moons} (surrounding spaces and case are ignored)
     * @return that data set, with default parameters, from the plugins on the class path
     * @throws UnknownComponentException listing the known names, e.g.
     *     {@code Unknown dataset 'moon'; known: [checkerboard, circles, ...]}
     */
    public static Dataset byName(String name) {
        return byName(Plugins.discover(), name);
    }

    /**
     * @param registry the plugins to look in
     * @param name a data set's name, e.g. {@code moons} (surrounding spaces and case are ignored)
     * @return that data set, with default parameters (select it from {@code registry} with a
     *     {@link ComponentChoice} to give parameters)
     * @throws UnknownComponentException listing the known names
     */
    public static Dataset byName(PluginRegistry registry, String name) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(name, "name");
        String key = key(name);
        if (!names(registry).contains(key)) {
            throw new UnknownComponentException(ComponentKind.DATASET.id(), name, names(registry));
        }
        return registry.select(ComponentKind.DATASET, ComponentChoice.of(key)).create();
    }

    /**
     * {@link #resolve(PluginRegistry, String)} against the plugins on the class path.
     *
     * @param nameOrCsvPath a data set's name or a path
     * @return the data set
     */
    public static Dataset resolve(String nameOrCsvPath) {
        return resolve(Plugins.discover(), nameOrCsvPath);
    }

    /**
     * Resolves a value given for {@code --dataset}: a value ending in {@code .csv} (any case) is loaded
     * as a CSV file; otherwise a registered name wins; otherwise an existing regular file is loaded as
     * CSV.
     *
     * @param registry the plugins whose data sets are known by name
     * @param nameOrCsvPath a data set's name or a path
     * @return the data set
     * @throws UnknownComponentException if it is neither a registered name nor an existing file
     * @throws DataException if it names a directory (neither a name nor a file), or the CSV file is
     *     missing or malformed
     */
    public static Dataset resolve(PluginRegistry registry, String nameOrCsvPath) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(nameOrCsvPath, "nameOrCsvPath");
        String s = nameOrCsvPath.strip();
        if (s.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return CsvDataset.load(Path.of(s));
        }
        if (names(registry).contains(key(s))) {
            return byName(registry, s);
        }
        Path p = asExistingFile(s);
        if (p != null) {
            return CsvDataset.load(p);
        }
        if (isDirectory(s)) {
            throw new DataException("'" + s + "' is a directory; expected the name of a data set " + names(registry)
                    + " or a CSV file of points, one per line");
        }
        return byName(registry, s);
    }

    /**
     * {@link #source(PluginRegistry, String, int)} against the plugins on the class path.
     *
     * @param nameOrCsvPath {@code standard-normal}, a data set's name or a CSV path
     * @param dim the dimension of the data the flow ends at
     * @return the source
     */
    public static Dataset source(String nameOrCsvPath, int dim) {
        Objects.requireNonNull(nameOrCsvPath, "nameOrCsvPath");
        if (isStandardNormal(nameOrCsvPath)) {
            return new GaussianSource(dim);
        }
        return source(Plugins.discover(), nameOrCsvPath, dim);
    }

    /**
     * Resolves the source distribution of a flow: {@code standard-normal} (the default), or any data
     * set {@link #resolve} accepts, for a flow from one data distribution to another.
     *
     * @param registry the plugins whose data sets are known by name
     * @param nameOrCsvPath {@code standard-normal}, a data set's name or a CSV path
     * @param dim the dimension of the data the flow ends at
     * @return the source
     * @throws org.fmjvm.api.error.DataException if a CSV source's dimension differs from {@code dim}
     */
    public static Dataset source(PluginRegistry registry, String nameOrCsvPath, int dim) {
        Objects.requireNonNull(nameOrCsvPath, "nameOrCsvPath");
        if (isStandardNormal(nameOrCsvPath)) {
            return new GaussianSource(dim);
        }
        Dataset d = resolve(registry, nameOrCsvPath);
        if (d instanceof CsvDataset csv) {
            return csv.requireDim(dim, "the data");
        }
        return d;
    }

    private static boolean isStandardNormal(String s) {
        return s.strip().equalsIgnoreCase(GaussianSource.NAME);
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isDirectory(String s) {
        try {
            return !s.isEmpty() && Files.isDirectory(Path.of(s));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Path asExistingFile(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            Path p = Path.of(s);
            return Files.isRegularFile(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
