package org.fmjvm.core.normalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.core.io.JsonFields;
import org.fmjvm.core.io.Snippets;

/**
 * Scales the columns of a real table from data space ({@code x} in R^D, the table's columns) to the
 * model space a flow is trained in ({@code z} in R^D'), and back. Training fits the flow to
 * {@link #transform transformed} rows; sampling maps the flow's output back with {@link #toData};
 * a log-likelihood in data space is the model-space one plus {@link #logAbsDetJacobian}:
 * {@code log p_x(x) = log p_z(z(x)) + log|det dz/dx|}.
 *
 * <p>Each non-constant column {@code j} gets its own strictly increasing map {@code z_j(x_j)}, fitted
 * by {@link #fit} according to the {@link Kind}. A constant column (the same value in every training
 * row) is dropped from model space, so {@code D' = D - #constant}, and written back exactly by
 * {@link #inverse}; a row whose constant column holds another value has density 0 under the model
 * ({@link #onSupport}). {@link Kind#NONE} is the exact identity and drops nothing.
 *
 * <p>Arrays are row-major: {@code [rows, D]} in data space, {@code [rows, D']} in model space. All
 * arithmetic is in float64 with {@link StrictMath}, so results are bitwise the same on every JVM and
 * after {@link #fromJson}{@code (}{@link #toJson}{@code )}; only the outputs are rounded to float32.
 *
 * <p>Thread safety: immutable and thread-safe; every method returns a new array.
 */
public final class Normalizer {

    /** The default largest number of knots per column of {@link Kind#QUANTILE}. */
    public static final int DEFAULT_QUANTILE_KNOTS = 1000;

    private static final int LISTED = 10;
    /** What the per-column lists of the JSON form hold, for messages. */
    private static final String PER_COLUMN = "one per non-constant column";

    /** How each non-constant column is mapped to model space. */
    public enum Kind {
        /** {@code z = x}: no scaling, no column dropped, log-determinant 0. */
        NONE,
        /**
         * {@code z = (x - mean) / std}, with the population standard deviation (dividing by n, like
         * scikit-learn's StandardScaler); log-determinant {@code -sum log std}.
         */
        STANDARD,
        /**
         * {@code z = 2 (x - min) / (max - min) - 1}: the training range onto [-1, 1], centred like a
         * standard-normal source; log-determinant {@code sum log(2 / (max - min))}.
         */
        MINMAX,
        /**
         * {@code z = Phi^-1(u(x))}: the piecewise-linear empirical distribution function {@code u}
         * through at most {@value Normalizer#DEFAULT_QUANTILE_KNOTS} quantile knots, then the
         * standard-normal quantile function, so training data become roughly N(0, 1). Log-determinant
         * {@code sum log(du/dx / phi(z))}.
         *
         * <p>The knots are the training values nearest to {@code K = min(knots, rows)} evenly spaced
         * quantiles (the minimum and the maximum included); equal quantiles of a discrete column
         * merge into one knot. A knot {@code v} gets {@code u = (#{x < v} + #{x <= v}) / (2 rows)},
         * the middle of the empirical distribution function's jump there: {@code (i - 1/2) / rows}
         * for the i-th smallest of distinct values, the middle of the tied probability range for a
         * repeated value. So {@code u} stays strictly increasing and inside (0, 1) and the extreme
         * training values map to finite {@code z} (u is also kept in {@code [1e-7, 1 - 1e-7]}).
         * Beyond the first and last knot {@code z} continues linearly with the slope it has there,
         * so the map is strictly increasing and invertible on the whole real line and held-out rows
         * outside the training range keep a finite density.
         */
        QUANTILE;

        /** @return the lower-case name used in configuration and checkpoints, e.g. {@code minmax} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param text {@code none}, {@code standard}, {@code minmax} or {@code quantile} (any case,
         *     surrounding blanks ignored)
         * @return the kind
         * @throws ConfigurationException listing the four choices
         */
        public static Kind parse(String text) {
            Objects.requireNonNull(text, "text");
            for (Kind k : values()) {
                if (k.id().equalsIgnoreCase(text.trim())) {
                    return k;
                }
            }
            throw new ConfigurationException("Unknown normalization '" + text + "'; known: "
                    + Arrays.stream(values()).map(Kind::id).toList());
        }

        private String scaling() {
            return this == NONE ? "no scaling" : id() + " scaling";
        }
    }

    private final Kind kind;
    private final int dim;
    /** The data column of each model coordinate, ascending. */
    private final int[] kept;
    /** The map of each model coordinate. */
    private final ColumnMap[] maps;
    /** Constant data columns and their values, ascending by column. */
    private final Map<Integer, Double> constants;
    private final SortedSet<Integer> integerColumns;

    private Normalizer(Kind kind, int dim, Map<Integer, Double> constants, Set<Integer> integerColumns,
            ColumnMap[] maps) {
        this.kind = kind;
        this.dim = dim;
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(constants)));
        this.integerColumns = Collections.unmodifiableSortedSet(new TreeSet<>(integerColumns));
        this.kept = new int[dim - constants.size()];
        for (int j = 0, m = 0; j < dim; j++) {
            if (!constants.containsKey(j)) {
                kept[m++] = j;
            }
        }
        this.maps = maps.clone();
    }

    /**
     * The identity on {@code dim} columns: kind {@link Kind#NONE}, no constant and no integer
     * columns.
     *
     * @param dim the number of columns D, at least 1
     * @return {@code z = x}
     * @throws ShapeMismatchException if {@code dim < 1}
     */
    public static Normalizer identity(int dim) {
        requireDim(dim);
        ColumnMap[] maps = new ColumnMap[dim];
        Arrays.fill(maps, IdentityColumn.INSTANCE);
        return new Normalizer(Kind.NONE, dim, Map.of(), Set.of(), maps);
    }

    /**
     * Fits a normalizer to a table, with at most {@value #DEFAULT_QUANTILE_KNOTS} knots per column
     * for {@link Kind#QUANTILE}.
     *
     * @see #fit(Kind, float[], int, int, Set, int)
     */
    public static Normalizer fit(Kind kind, float[] points, int rows, int dim, Set<Integer> integerColumns) {
        return fit(kind, points, rows, dim, integerColumns, DEFAULT_QUANTILE_KNOTS);
    }

    /**
     * Fits a normalizer to a table: finds the constant columns (max == min over the rows) and fits
     * one map per other column as the {@link Kind} describes. {@link Kind#NONE} fits nothing and
     * accepts any table of at least one row.
     *
     * @param kind how to map the columns
     * @param points the training table, row-major {@code [rows, dim]}, finite
     * @param rows the number of rows, at least 2 (1 for {@link Kind#NONE})
     * @param dim the number of columns D, at least 1
     * @param integerColumns 0-based columns that {@link #toData} rounds to integers, e.g.
     *     {@link #integerValuedColumns}; they do not change the map
     * @param quantileKnots the largest number of knots per column of {@link Kind#QUANTILE}, at least
     *     2; ignored by the other kinds
     * @return the fitted normalizer
     * @throws DataException if the table has too few rows, holds NaN or an infinity (naming the
     *     1-based row and column), or every column is constant
     * @throws ShapeMismatchException if {@code points.length != rows * dim} or {@code dim < 1}
     * @throws ConfigurationException if an integer column is out of range or {@code quantileKnots < 2}
     */
    public static Normalizer fit(Kind kind, float[] points, int rows, int dim, Set<Integer> integerColumns,
            int quantileKnots) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(integerColumns, "integerColumns");
        requireDim(dim);
        if (quantileKnots < 2) {
            throw new ConfigurationException("quantileKnots must be >= 2, got " + quantileKnots
                    + "; the default is " + DEFAULT_QUANTILE_KNOTS);
        }
        int needed = kind == Kind.NONE ? 1 : 2;
        if (rows < needed) {
            throw new DataException("a table of " + rows + " row" + (rows == 1 ? "" : "s") + " is too small: it needs at"
                    + " least " + needed + " row" + (needed == 1 ? "" : "s") + " to fit " + kind.scaling()
                    + (rows == 1 ? " (with one row every column is constant)" : ""));
        }
        requireLength(points.length, rows, dim, "points");
        for (Integer c : integerColumns) {
            if (c == null || c < 0 || c >= dim) {
                throw new ConfigurationException("integerColumns contains " + c + ", but the table has " + dim
                        + " column" + (dim == 1 ? "" : "s") + "; use 0-based indices 0.." + (dim - 1));
            }
        }
        double[] table = widen(points);
        requireFinite(table, dim, "points");
        if (kind == Kind.NONE) {
            ColumnMap[] maps = new ColumnMap[dim];
            Arrays.fill(maps, IdentityColumn.INSTANCE);
            return new Normalizer(kind, dim, Map.of(), integerColumns, maps);
        }
        Map<Integer, Double> constants = new TreeMap<>();
        List<ColumnMap> maps = new ArrayList<>();
        double[] column = new double[rows];
        for (int j = 0; j < dim; j++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                column[r] = table[r * dim + j];
                min = Math.min(min, column[r]);
                max = Math.max(max, column[r]);
            }
            if (min == max) {
                constants.put(j, min + 0.0);
                continue;
            }
            maps.add(switch (kind) {
                case STANDARD -> StandardColumn.fit(column);
                case MINMAX -> new MinMaxColumn(min, max);
                case QUANTILE -> {
                    double[] sorted = column.clone();
                    Arrays.sort(sorted);
                    yield QuantileColumn.fit(sorted, quantileKnots);
                }
                case NONE -> throw new AssertionError(kind);
            });
        }
        if (maps.isEmpty()) {
            throw new DataException((dim == 1 ? "the only column is" : "all " + dim + " columns are")
                    + " constant over the " + rows + " rows, so " + kind.scaling()
                    + " has nothing to learn; check that the right table was loaded");
        }
        return new Normalizer(kind, dim, constants, integerColumns, maps.toArray(ColumnMap[]::new));
    }

    /**
     * Finds the columns whose every value is an integer ({@code v == Math.rint(v)}), e.g. counts or
     * category codes, for {@link #fit}'s {@code integerColumns}.
     *
     * @param points the table, row-major {@code [rows, dim]}, finite
     * @param rows the number of rows, at least 1
     * @param dim the number of columns, at least 1
     * @return the 0-based indices of those columns, ascending, unmodifiable
     * @throws DataException if a value is NaN or infinite (naming the 1-based row and column)
     * @throws ShapeMismatchException if {@code points.length != rows * dim}, {@code rows < 1} or
     *     {@code dim < 1}
     */
    public static Set<Integer> integerValuedColumns(float[] points, int rows, int dim) {
        Objects.requireNonNull(points, "points");
        requireDim(dim);
        requireLength(points.length, rows, dim, "points");
        double[] table = widen(points);
        requireFinite(table, dim, "points");
        SortedSet<Integer> found = new TreeSet<>();
        for (int j = 0; j < dim; j++) {
            boolean integral = true;
            for (int r = 0; r < rows && integral; r++) {
                double v = table[r * dim + j];
                integral = v == Math.rint(v);
            }
            if (integral) {
                found.add(j);
            }
        }
        return Collections.unmodifiableSortedSet(found);
    }

    /** @return how the columns are mapped */
    public Kind kind() {
        return kind;
    }

    /** @return D, the number of data columns */
    public int inputDim() {
        return dim;
    }

    /** @return D' = D minus the number of constant columns: the model's dimension */
    public int outputDim() {
        return kept.length;
    }

    /** @return the 0-based constant columns, ascending; always empty for {@link Kind#NONE} */
    public List<Integer> constantColumns() {
        return List.copyOf(constants.keySet());
    }

    /** @return each constant column (0-based) and its value, ascending by column, unmodifiable */
    public Map<Integer, Double> constantValues() {
        return constants;
    }

    /** @return the 0-based columns {@link #toData} rounds to integers, ascending, unmodifiable */
    public Set<Integer> integerColumns() {
        return integerColumns;
    }

    /** @return the map of model coordinate {@code j} (0-based, below {@link #outputDim()}), for tests */
    ColumnMap columnMap(int j) {
        return maps[j];
    }

    /**
     * Maps data rows to model space: {@code z_j = z_j(x_j)} for every non-constant column; the
     * constant columns are dropped (use {@link #onSupport} to check that a row agrees with them).
     *
     * @param x data rows, row-major {@code [rows, D]}, finite
     * @param rows the number of rows, at least 1
     * @return model rows, row-major {@code [rows, D']}, a new array
     * @throws DataException if a value is NaN or infinite (naming the 1-based row and column)
     * @throws ShapeMismatchException if {@code x.length != rows * D} or {@code rows < 1}
     */
    public float[] transform(float[] x, int rows) {
        Objects.requireNonNull(x, "x");
        return narrow(transform(widen(x), rows));
    }

    /** {@link #transform(float[], int)} in float64, for tests of the mathematics. */
    double[] transform(double[] x, int rows) {
        requireLength(x.length, rows, dim, "x");
        requireFinite(x, dim, "x");
        int out = kept.length;
        double[] z = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                z[r * out + j] = maps[j].forward(x[r * dim + kept[j]]);
            }
        }
        return z;
    }

    /**
     * Maps model rows back to data space: {@code x_j = z_j^-1(z_j)} for every non-constant column and
     * the exact constant for every constant column. Nothing is rounded (see {@link #toData}). Values
     * far beyond the training range may overflow float32 to an infinity.
     *
     * @param z model rows, row-major {@code [rows, D']}, finite
     * @param rows the number of rows, at least 1
     * @return data rows, row-major {@code [rows, D]}, a new array
     * @throws DataException if a value is NaN or infinite (naming the 1-based row and column)
     * @throws ShapeMismatchException if {@code z.length != rows * D'} or {@code rows < 1}
     */
    public float[] inverse(float[] z, int rows) {
        Objects.requireNonNull(z, "z");
        return narrow(inverse(widen(z), rows));
    }

    /** {@link #inverse(float[], int)} in float64, for tests of the mathematics. */
    double[] inverse(double[] z, int rows) {
        int out = kept.length;
        requireLength(z.length, rows, out, "z");
        requireFinite(z, out, "z");
        double[] x = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            for (Map.Entry<Integer, Double> c : constants.entrySet()) {
                x[r * dim + c.getKey()] = c.getValue();
            }
            for (int j = 0; j < out; j++) {
                x[r * dim + kept[j]] = maps[j].backward(z[r * out + j]);
            }
        }
        return x;
    }

    /**
     * What sampling outputs: {@link #inverse} followed by rounding every {@link #integerColumns()
     * integer column} to the nearest integer ({@code Math.rint}, ties to even), in float64 before the
     * final rounding to float32.
     *
     * @param z model rows, row-major {@code [rows, D']}, finite
     * @param rows the number of rows, at least 1
     * @return data rows, row-major {@code [rows, D]}, a new array
     * @throws DataException if a value is NaN or infinite (naming the 1-based row and column)
     * @throws ShapeMismatchException if {@code z.length != rows * D'} or {@code rows < 1}
     */
    public float[] toData(float[] z, int rows) {
        Objects.requireNonNull(z, "z");
        double[] x = inverse(widen(z), rows);
        for (int r = 0; r < rows; r++) {
            for (int j : integerColumns) {
                x[r * dim + j] = Math.rint(x[r * dim + j]);
            }
        }
        return narrow(x);
    }

    /**
     * The log-determinant of the map's Jacobian per row: {@code log|det dz/dx| = sum_j log(dz_j/dx_j)}
     * over the non-constant columns, in nats (the Jacobian is diagonal). Add it to the model's
     * log-density of {@code z(x)} to get the data's. Finite for every finite row.
     *
     * @param x data rows, row-major {@code [rows, D]}, finite
     * @param rows the number of rows, at least 1
     * @return one value per row, a new array
     * @throws DataException if a value is NaN or infinite (naming the 1-based row and column)
     * @throws ShapeMismatchException if {@code x.length != rows * D} or {@code rows < 1}
     */
    public double[] logAbsDetJacobian(float[] x, int rows) {
        Objects.requireNonNull(x, "x");
        double[] v = widen(x);
        requireLength(v.length, rows, dim, "x");
        requireFinite(v, dim, "x");
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < kept.length; j++) {
                sum += maps[j].logDerivative(v[r * dim + kept[j]]);
            }
            out[r] = sum;
        }
        return out;
    }

    /**
     * Whether a row lies where the model puts probability: every constant column holds exactly its
     * constant (compared as numbers, so -0.0 equals 0.0). A row that fails has density 0 in data
     * space, whatever {@link #logAbsDetJacobian} says. Always true for {@link Kind#NONE}.
     *
     * @param x data rows, row-major {@code [n, D]}
     * @param row the 0-based row to check
     * @return false if a constant column of that row differs from its constant (or is NaN)
     * @throws ShapeMismatchException if {@code x.length} is not a positive multiple of D
     * @throws IndexOutOfBoundsException if {@code row} is not in {@code [0, n)}
     */
    public boolean onSupport(float[] x, int row) {
        Objects.requireNonNull(x, "x");
        if (x.length == 0 || x.length % dim != 0) {
            throw new ShapeMismatchException("x must have shape [n, " + dim + "] with n >= 1, got " + x.length
                    + " values; pass whole rows of " + dim + " values, row-major");
        }
        Objects.checkIndex(row, x.length / dim);
        for (Map.Entry<Integer, Double> c : constants.entrySet()) {
            if (!(x[row * dim + c.getKey()] == c.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The normalizer as a JSON object, for {@code checkpoint.json} under {@code "normalization"}:
     * {@code kind}, {@code dim}, {@code constant} (column index as text to value),
     * {@code integerColumns}, and per kind, one entry per non-constant column in ascending column
     * order: {@code mean} and {@code std} (standard), {@code min} and {@code max} (minmax), or
     * {@code quantiles}, a list of {@code {"x": [knots], "u": [probabilities]}} (quantile). Doubles
     * are written in full, so {@link #fromJson} restores a bitwise-identical normalizer.
     *
     * @return a new node
     */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("kind", kind.id());
        node.put("dim", dim);
        ObjectNode constant = node.putObject("constant");
        constants.forEach((c, v) -> constant.put(Integer.toString(c), v));
        ArrayNode integers = node.putArray("integerColumns");
        integerColumns.forEach(integers::add);
        switch (kind) {
            case STANDARD -> {
                ArrayNode mean = node.putArray("mean");
                ArrayNode std = node.putArray("std");
                for (ColumnMap m : maps) {
                    mean.add(((StandardColumn) m).mean());
                    std.add(((StandardColumn) m).std());
                }
            }
            case MINMAX -> {
                ArrayNode min = node.putArray("min");
                ArrayNode max = node.putArray("max");
                for (ColumnMap m : maps) {
                    min.add(((MinMaxColumn) m).min());
                    max.add(((MinMaxColumn) m).max());
                }
            }
            case QUANTILE -> {
                ArrayNode quantiles = node.putArray("quantiles");
                for (ColumnMap m : maps) {
                    ObjectNode q = quantiles.addObject();
                    ArrayNode xs = q.putArray("x");
                    ArrayNode us = q.putArray("u");
                    Arrays.stream(((QuantileColumn) m).x()).forEach(xs::add);
                    Arrays.stream(((QuantileColumn) m).u()).forEach(us::add);
                }
            }
            case NONE -> {
            }
        }
        return node;
    }

    /**
     * Reads what {@link #toJson} wrote, checking everything: the kind is known, numbers are finite,
     * indices are in range and distinct, per-column lists have one entry per non-constant column,
     * standard deviations and ranges are positive, quantile knots are strictly increasing in
     * {@code x} and {@code u}, with {@code u} inside {@code [1e-7, 1 - 1e-7]}. Unknown fields are
     * ignored. Field paths in messages start with {@code normalization.}, its key in checkpoint.json.
     *
     * @param node the object
     * @param source the file it came from, for messages, e.g. {@code run/checkpoint.json}
     * @return the normalizer
     * @throws CheckpointException naming {@code source} and the missing or invalid field
     */
    public static Normalizer fromJson(JsonNode node, String source) {
        JsonFields f = JsonFields.of(Objects.requireNonNull(source, "source")).at("normalization");
        if (node == null || !node.isObject()) {
            throw f.invalid("", "an object", node);
        }
        String kindText = f.text(node, "kind");
        Kind kind;
        try {
            kind = Kind.parse(kindText);
        } catch (ConfigurationException e) {
            throw f.fail("kind", "is '" + Snippets.excerpt(kindText) + "', but the known kinds are "
                    + Arrays.stream(Kind.values()).map(Kind::id).toList()
                    + ": the file is corrupt or from a newer fm-jvm", e);
        }
        int dim = f.integer(node, "dim");
        if (dim < 1) {
            throw f.invalid("dim", "a positive integer", node.get("dim"));
        }
        Map<Integer, Double> constants = new TreeMap<>();
        JsonNode c = f.field(node, "constant");
        if (!c.isObject()) {
            throw f.invalid("constant", "an object from column index to value", c);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = c.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int column = index(f, "constant", e.getKey(), dim);
            constants.put(column, f.finiteValue(e.getValue(), "constant." + e.getKey()));
        }
        if (kind == Kind.NONE && !constants.isEmpty()) {
            throw f.invalid("constant", "empty for kind none", c);
        }
        if (kind != Kind.NONE && constants.size() >= dim) {
            throw f.invalid("constant", "an object with fewer than dim = " + dim + " entries (at least one column"
                    + " must be scaled)", c);
        }
        Set<Integer> integers = new TreeSet<>();
        JsonNode ints = f.array(node, "integerColumns");
        for (int i = 0; i < ints.size(); i++) {
            JsonNode v = ints.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() >= dim) {
                throw f.invalid("integerColumns[" + i + "]", "a column index in 0.." + (dim - 1), v);
            }
            if (!integers.add(v.intValue())) {
                throw f.invalid("integerColumns[" + i + "]", "a column not listed before", v);
            }
        }
        int out = dim - constants.size();
        ColumnMap[] maps = new ColumnMap[out];
        switch (kind) {
            case NONE -> Arrays.fill(maps, IdentityColumn.INSTANCE);
            case STANDARD -> {
                double[] mean = f.numbers(node, "mean", out, PER_COLUMN);
                double[] std = f.numbers(node, "std", out, PER_COLUMN);
                for (int j = 0; j < out; j++) {
                    if (!(std[j] > 0)) {
                        throw f.invalid("std[" + j + "]", "a positive number", node.get("std").get(j));
                    }
                    maps[j] = new StandardColumn(mean[j], std[j]);
                }
            }
            case MINMAX -> {
                double[] min = f.numbers(node, "min", out, PER_COLUMN);
                double[] max = f.numbers(node, "max", out, PER_COLUMN);
                for (int j = 0; j < out; j++) {
                    double width = max[j] - min[j];
                    if (!(width > 0 && width < Double.POSITIVE_INFINITY)) {
                        throw f.invalid("max[" + j + "]", "greater than min[" + j + "] = " + min[j]
                                + " by a finite amount", node.get("max").get(j));
                    }
                    maps[j] = new MinMaxColumn(min[j], max[j]);
                }
            }
            case QUANTILE -> {
                JsonNode quantiles = f.array(node, "quantiles");
                if (quantiles.size() != out) {
                    throw f.invalid("quantiles", "a list of " + out + " objects (" + PER_COLUMN + ")",
                            "a list of " + quantiles.size());
                }
                for (int j = 0; j < out; j++) {
                    String path = "quantiles[" + j + "]";
                    JsonNode q = quantiles.get(j);
                    if (!q.isObject()) {
                        throw f.invalid(path, "an object with lists x and u", q);
                    }
                    double[] x = f.at(path).numbers(q, "x");
                    double[] u = f.at(path).numbers(q, "u");
                    String problem = QuantileColumn.problem(x, u);
                    if (problem != null) {
                        throw f.fail(path, "is invalid: " + problem + "; the file is corrupt, restore it or re-run"
                                + " training");
                    }
                    maps[j] = new QuantileColumn(x, u);
                }
            }
        }
        return new Normalizer(kind, dim, constants, integers, maps);
    }

    /** A key of {@code constant}: a column index in {@code [0, dim)}. */
    private static int index(JsonFields f, String path, String key, int dim) {
        int column;
        try {
            column = Integer.parseInt(key);
        } catch (NumberFormatException e) {
            column = -1;
        }
        if (column < 0 || column >= dim) {
            throw f.invalid(path, "an object whose keys are column indices 0.." + (dim - 1),
                    "key '" + Snippets.excerpt(key) + "'");
        }
        return column;
    }

    /**
     * One line for run summaries, with 1-based column numbers like error messages, e.g.
     * {@code standard scaling of 13 columns to 12, constant column dropped: 5 = 0.5; integer columns
     * rounded on output: 1, 6}.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder s = new StringBuilder(kind.scaling()).append(" of ").append(dim).append(" column")
                .append(dim == 1 ? "" : "s");
        if (!constants.isEmpty()) {
            s.append(" to ").append(kept.length).append(", constant column").append(constants.size() == 1 ? "" : "s")
                    .append(" dropped: ");
            List<String> shown = new ArrayList<>();
            constants.forEach((c, v) -> shown.add((c + 1) + " = " + (float) (double) v));
            s.append(list(shown));
        }
        if (!integerColumns.isEmpty()) {
            List<String> shown = new ArrayList<>();
            integerColumns.forEach(c -> shown.add(Integer.toString(c + 1)));
            s.append("; integer column").append(integerColumns.size() == 1 ? "" : "s").append(" rounded on output: ")
                    .append(list(shown));
        }
        return s.toString();
    }

    /** @return {@link #describe()} */
    @Override
    public String toString() {
        return describe();
    }

    /**
     * Two normalisations are equal when they map every point alike: same kind, columns and fitted
     * numbers (their {@link #toJson()} forms are equal).
     */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Normalizer other && toJson().equals(other.toJson()));
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    private static String list(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LISTED)) + " and " + (items.size() - LISTED) + " more";
    }

    private static void requireDim(int dim) {
        if (dim < 1) {
            throw new ShapeMismatchException("dim must be >= 1, got " + dim + "; a table needs at least one column");
        }
    }

    private static void requireLength(int length, int rows, int width, String name) {
        if (rows < 1) {
            throw new ShapeMismatchException(name + " must have at least 1 row, got rows = " + rows);
        }
        if ((long) rows * width != length) {
            throw new ShapeMismatchException(name + " must have shape [" + rows + ", " + width + "], i.e. "
                    + (long) rows * width + " values, got " + length + "; pass " + width + " values per row, row-major");
        }
    }

    private static void requireFinite(double[] values, int width, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new DataException(name + " row " + (i / width + 1) + ", column " + (i % width + 1) + " is "
                        + values[i] + "; remove or impute it, only finite values can be scaled");
            }
        }
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] narrow(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
