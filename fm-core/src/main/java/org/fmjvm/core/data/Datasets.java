package org.fmjvm.core.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.UnknownComponentException;

/**
 * The built-in data sets by their stable kebab-case names, and resolution of a command-line value
 * that is either such a name or the path of a CSV file.
 *
 * <p>Thread safety: stateless; every method is thread-safe. Each call returns a new, immutable
 * data set.
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

    private static final Map<String, Supplier<Dataset>> BUILT_INS = builtIns();

    private Datasets() {
    }

    private static Map<String, Supplier<Dataset>> builtIns() {
        Map<String, Supplier<Dataset>> m = new TreeMap<>();
        m.put(FOUR_GAUSSIANS, GaussianMixture::fourGaussians);
        m.put(EIGHT_GAUSSIANS, GaussianMixture::eightGaussians);
        m.put(MOONS, Moons::new);
        m.put(CIRCLES, Circles::new);
        m.put(CHECKERBOARD, Checkerboard::new);
        m.put(TWO_SPIRALS, TwoSpirals::new);
        return Map.copyOf(m);
    }

    /** @return the built-in names, sorted */
    public static List<String> names() {
        return BUILT_INS.keySet().stream().sorted().toList();
    }

    /**
     * @param name a built-in name, e.g. {@code moons} (surrounding spaces and case are ignored)
     * @return that data set
     * @throws UnknownComponentException listing the known names, e.g.
     *     {@code Unknown dataset 'moon'; known: [checkerboard, circles, ...]}
     */
    public static Dataset byName(String name) {
        Objects.requireNonNull(name, "name");
        Supplier<Dataset> s = BUILT_INS.get(name.strip().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new UnknownComponentException("dataset", name, names());
        }
        return s.get();
    }

    /**
     * Resolves a value given for {@code --data}: a value ending in {@code .csv} (any case) is loaded as
     * a CSV file; otherwise a built-in name wins; otherwise an existing regular file is loaded as CSV.
     *
     * @param nameOrCsvPath a built-in name or a path
     * @return the data set
     * @throws UnknownComponentException if it is neither a built-in name nor an existing file
     * @throws DataException if it names a directory (neither a name nor a file)
     * @throws org.fmjvm.api.error.DataException if the CSV file is missing or malformed
     */
    public static Dataset resolve(String nameOrCsvPath) {
        Objects.requireNonNull(nameOrCsvPath, "nameOrCsvPath");
        String s = nameOrCsvPath.strip();
        if (s.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return CsvDataset.load(Path.of(s));
        }
        if (BUILT_INS.containsKey(s.toLowerCase(Locale.ROOT))) {
            return byName(s);
        }
        Path p = asExistingFile(s);
        if (p != null) {
            return CsvDataset.load(p);
        }
        if (isDirectory(s)) {
            throw new DataException("'" + s + "' is a directory; expected a built-in data set " + names()
                    + " or a CSV file of points, one per line");
        }
        return byName(s);
    }

    /**
     * Resolves the source distribution of a flow: {@code standard-normal} (the default), or any data
     * set {@link #resolve} accepts, for a flow from one data distribution to another.
     *
     * @param nameOrCsvPath {@code standard-normal}, a built-in name or a CSV path
     * @param dim the dimension of the data the flow ends at
     * @return the source
     * @throws org.fmjvm.api.error.DataException if a CSV source's dimension differs from {@code dim}
     */
    public static Dataset source(String nameOrCsvPath, int dim) {
        Objects.requireNonNull(nameOrCsvPath, "nameOrCsvPath");
        if (nameOrCsvPath.strip().equalsIgnoreCase(GaussianSource.NAME)) {
            return new GaussianSource(dim);
        }
        Dataset d = resolve(nameOrCsvPath);
        if (d instanceof CsvDataset csv) {
            return csv.requireDim(dim, "the data");
        }
        return d;
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
