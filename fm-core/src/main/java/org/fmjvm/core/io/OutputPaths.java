package org.fmjvm.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;

/**
 * Checks, before a long run starts, that its outputs can be written: that a file's or a folder's
 * nearest existing ancestor is a folder (not a file) and writable, so that a bad output path fails
 * in the first second rather than after hours of training or sampling. Nothing is created.
 *
 * <p>The check reads permissions as the file system reports them ({@link Files#isWritable}); a
 * process that ignores permissions (root) passes it for any existing folder.
 *
 * <p>Thread safety: stateless and thread-safe.
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * @param file a file the run will write (replacing it if it exists)
     * @param label how the caller names it in messages, e.g. {@code --out}
     * @throws ConfigurationException if it is a folder, or its folder cannot be created or written
     */
    public static void requireWritableFile(Path file, String label) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(label, "label");
        if (Files.isDirectory(file)) {
            throw new ConfigurationException(label + " " + file + " is a folder; give a file name");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new ConfigurationException(label + " " + file + " is not a file path; give a file name");
        }
        requireWritableAncestor(file, parent, label);
    }

    /**
     * @param dir a folder the run will write files in (created with its parents if missing)
     * @param label how the caller names it in messages, e.g. {@code --out}
     * @throws ConfigurationException if it is a file, or it cannot be created or written
     */
    public static void requireWritableFolder(Path dir, String label) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(label, "label");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigurationException(label + " " + dir + " is a file; give a folder");
        }
        requireWritableAncestor(dir, dir.toAbsolutePath(), label);
    }

    private static void requireWritableAncestor(Path target, Path from, String label) {
        Path existing = from;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new ConfigurationException(label + " " + target + ": no part of the path exists; give a path on"
                    + " an existing drive");
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigurationException(label + " " + target + " cannot be created: " + existing + " is a file,"
                    + " not a folder; choose another path");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigurationException(label + " " + target + " cannot be written: the folder " + existing
                    + " is not writable (permission denied or a read-only file system); choose a folder you can"
                    + " write to");
        }
    }
}
