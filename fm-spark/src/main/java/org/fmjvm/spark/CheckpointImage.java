package org.fmjvm.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;

/**
 * A checkpoint as bytes, to broadcast from the driver to the executors: the files of a minimal copy
 * of the folder (sidecar, weights and stored source rows; no training-resume state), keyed by name.
 * An executor writes them into a temporary folder once and loads that with {@link Checkpoints#load},
 * so every check a local load makes (hashes, shapes, sidecar fields) is made on the executor too.
 *
 * <p>Immutable and thread-safe.
 */
public final class CheckpointImage implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, byte[]> files;
    private final String id;
    private final List<String> columns;
    private final int dataDim;

    private CheckpointImage(TreeMap<String, byte[]> files) {
        this.files = files;
        this.id = digest(files);
        CheckpointInfo info = Checkpoints.fromJson(new String(files.get(Checkpoints.INFO_FILE), StandardCharsets.UTF_8),
                Checkpoints.INFO_FILE);
        this.dataDim = info.dataDim();
        this.columns = columnNames(info);
    }

    /**
     * Loads and checks a checkpoint folder on the driver and captures a minimal copy of it.
     *
     * @param dir a folder written by {@code fm train}
     * @return its image
     * @throws org.fmjvm.api.error.CheckpointException if the folder is not a valid checkpoint
     */
    public static CheckpointImage of(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Checkpoints.Loaded loaded = Checkpoints.load(dir);
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("fm-spark-image");
            try (Checkpoints.Writer w = Checkpoints.open(tmp, "fm-spark (copying a checkpoint to broadcast)")) {
                w.save(loaded.info(), loaded.samplingWeights(), loaded.sourceRows(), null); // EMA weights if kept
            }
            TreeMap<String, byte[]> files = new TreeMap<>();
            try (Stream<Path> list = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    String name = p.getFileName().toString();
                    if (Files.isRegularFile(p) && !name.startsWith(".")) {
                        files.put(name, Files.readAllBytes(p));
                    }
                }
            }
            return new CheckpointImage(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the checkpoint " + dir + " to broadcast it: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** @return a hash of the files: equal images have equal ids */
    public String id() {
        return id;
    }

    /** @return the data's dimension */
    public int dataDim() {
        return dataDim;
    }

    /** @return the checkpoint's column names, or {@code x1..xD} when it recorded none */
    public List<String> columns() {
        return columns;
    }

    /** @return the total size of the files in bytes */
    public long bytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    /**
     * Writes the files into a new temporary folder, loads it and removes the folder.
     *
     * @return the loaded checkpoint (its {@code dir()} no longer exists)
     */
    Checkpoints.Loaded load() {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("fm-spark-checkpoint");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(tmp.resolve(e.getKey()), e.getValue());
            }
            return Checkpoints.load(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broadcast checkpoint to a temporary folder: "
                    + e.getMessage() + "; check java.io.tmpdir on the executors", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** The names of the sampled columns: the checkpoint's when it has them, else x1..xD. */
    static List<String> columnNames(CheckpointInfo info) {
        if (!info.columns().isEmpty()) {
            return info.columns();
        }
        return defaultNames(info.dataDim());
    }

    /** @return x1..xD */
    static List<String> defaultNames(int dim) {
        String[] names = new String[dim];
        for (int i = 0; i < dim; i++) {
            names[i] = "x" + (i + 1);
        }
        return List.of(names);
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
