package org.fmjvm.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;

/**
 * The empirical distribution of a user's points, loaded from a CSV file: sampling draws rows
 * uniformly with replacement ({@code rng.nextInt(size())} per point). Its {@link #name()} is the
 * path as given, e.g. {@code data/points.csv}; an empirical distribution has no
 * {@link #logDensity() density}.
 *
 * <p>The format: one point per line, fields separated by commas, spaces around fields allowed,
 * every line with the same number of fields; fields are decimal numbers such as {@code 1.5},
 * {@code -2e-3} or {@code 0.25E+1}; blank lines and lines whose first non-blank character is
 * {@code #} are skipped; the first non-comment line may be a header only if every one of its fields
 * is a non-numeric name (e.g. {@code x,y}). NaN and infinite values are rejected. Every problem is a
 * {@link DataException} of one line naming the file, the line and how to fix it.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class CsvDataset extends AbstractDataset {

    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Set<String> NON_FINITE = Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf",
            "infinity", "+infinity", "-infinity");

    private final Path file;
    private final int size;
    private final float[] points;
    private final List<String> columnNames;

    private CsvDataset(Path file, int dim, int size, float[] points, List<String> columnNames) {
        super(file.toString(), dim);
        this.file = file;
        this.size = size;
        this.points = points;
        this.columnNames = columnNames;
    }

    /**
     * Reads and validates a whole file.
     *
     * @param file the CSV file
     * @return the data set of its points
     * @throws DataException if the file is missing, unreadable, empty or malformed; the message names
     *     the file, the line and the field
     */
    public static CsvDataset load(Path file) {
        Objects.requireNonNull(file, "file");
        String f = file.toString();
        if (Files.isDirectory(file)) {
            throw new DataException(f + " is a directory, not a CSV file: pass a file with one point per line");
        }
        if (!Files.exists(file)) {
            throw new DataException(f + " does not exist: check the path (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file, in);
        } catch (CharacterCodingException e) {
            throw new DataException("cannot read " + f + ": it is not UTF-8 text; save it as a plain-text CSV file", e);
        } catch (NoSuchFileException e) {
            throw new DataException(f + " does not exist: check the path", e);
        } catch (AccessDeniedException e) {
            throw new DataException("cannot read " + f + ": permission denied; check the file's permissions", e);
        } catch (IOException e) {
            throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static CsvDataset parse(Path file, BufferedReader in) throws IOException {
        String f = file.toString();
        float[] buf = new float[1024];
        int count = 0;
        int dim = -1;
        int firstLine = -1;
        List<String> header = List.of();
        boolean first = true;
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.charAt(0) == '#') {
                continue;
            }
            String[] fields = trimmed.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].strip();
            }
            if (first) {
                first = false;
                dim = fields.length;
                firstLine = lineNo;
                if (isHeader(fields)) {
                    header = List.of(fields);
                    continue;
                }
            } else if (fields.length != dim) {
                throw new DataException(f + " line " + lineNo + " has " + fields.length + " field"
                        + (fields.length == 1 ? "" : "s") + ", expected " + dim + " like line " + firstLine
                        + "; every line needs the same number of comma-separated fields");
            }
            if ((long) (count + 1) * dim > Integer.MAX_VALUE - 8) {
                throw new DataException(f + " has more than " + count + " points of dimension " + dim
                        + ", too many to hold in one array; use a smaller file");
            }
            if ((count + 1) * dim > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * buf.length,
                        (long) (count + 1) * dim)));
            }
            for (int i = 0; i < dim; i++) {
                buf[count * dim + i] = parseField(f, lineNo, i + 1, fields[i], lineNo == firstLine);
            }
            count++;
        }
        if (count == 0) {
            throw new DataException(f + (header.isEmpty() ? " is empty" : " has a header but no data lines")
                    + ": it needs one point per line, fields separated by commas, e.g. 0.5,-1.25");
        }
        return new CsvDataset(file, dim, count, Arrays.copyOf(buf, count * dim), header);
    }

    private static boolean isHeader(String[] fields) {
        for (String s : fields) {
            if (s.isEmpty() || DECIMAL.matcher(s).matches() || NON_FINITE.contains(s.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static float parseField(String f, int lineNo, int field, String text, boolean firstDataLine) {
        String where = f + " line " + lineNo + ", field " + field;
        if (text.isEmpty()) {
            throw new DataException(where + " is empty; every field must be a number (check for a doubled or "
                    + "trailing comma)");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (NON_FINITE.contains(lower)) {
            String what = lower.contains("nan") ? "NaN" : (lower.startsWith("-") ? "-Infinity" : "Infinity");
            throw new DataException(where + " is " + what + "; remove or impute it");
        }
        if (!DECIMAL.matcher(text).matches()) {
            String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
            throw new DataException(where + ": '" + shown + "' is not a number; use decimal numbers such as 1.5 or -2e-3"
                    + (firstDataLine ? " (a header line must contain only names)" : ""));
        }
        float v = Float.parseFloat(text);
        if (Float.isInfinite(v)) {
            throw new DataException(where + ": '" + text + "' is outside the float32 range (about +-3.4e38); "
                    + "rescale the data");
        }
        return v;
    }

    /**
     * Checks that the points have the dimension a model or another file needs.
     *
     * @param expected the required dimension
     * @param whose what requires it, for the message, e.g. {@code "the checkpoint's model"}
     * @return this data set
     * @throws DataException e.g. {@code points.csv has 3 columns but the checkpoint's model has dimension 2}
     */
    public CsvDataset requireDim(int expected, String whose) {
        int dim = dim();
        if (dim != expected) {
            throw new DataException(name() + " has " + dim + " column" + (dim == 1 ? "" : "s") + " but " + whose
                    + " has dimension " + expected + "; use a file with " + expected + " column"
                    + (expected == 1 ? "" : "s") + " per line");
        }
        return this;
    }

    /** @return the file the points came from */
    public Path file() {
        return file;
    }

    /** @return the number of points (data lines) */
    public int size() {
        return size;
    }

    /** @return a copy of all points, row-major {@code size() x dim()}, in file order */
    public float[] points() {
        return points.clone();
    }

    /** @return the header's column names, or an empty list when the file has no header */
    public List<String> columnNames() {
        return columnNames;
    }

    /** Copies a row drawn uniformly: {@code rng.nextInt(size())}. */
    @Override
    void drawPoint(Rng rng, float[] out, int at) {
        System.arraycopy(points, rng.nextInt(size) * dim(), out, at, dim());
    }

    @Override
    public String describe() {
        return "CSV " + name() + ": " + size + " point" + (size == 1 ? "" : "s") + " in " + dim() + "D"
                + (columnNames.isEmpty() ? "" : " (columns " + String.join(", ", columnNames) + ")")
                + ", sampled uniformly with replacement";
    }
}
