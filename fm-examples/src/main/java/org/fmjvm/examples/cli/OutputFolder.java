package org.fmjvm.examples.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Set;

import org.fmjvm.core.io.OutputPaths;

/**
 * The output folder of a command that writes several files ({@code fm demo}). Commands create it
 * only once their start-up has succeeded (components resolved, natives loaded), so a run that fails
 * at start-up leaves nothing behind; and if a run that created the folder fails later, closing
 * removes what the run wrote and the folder with it. A folder that existed before the run is never
 * removed: each file in it is replaced atomically, and files the run did not name stay untouched.
 *
 * <p>Not thread-safe: one per command run.
 */
final class OutputFolder implements AutoCloseable {
    private final Path dir;
    private final boolean created;
    private final Set<Path> entries = new LinkedHashSet<>();
    private boolean kept;

    private OutputFolder(Path dir, boolean created) {
        this.dir = dir;
        this.created = created;
    }

    /**
     * Checks that {@code dir} can be an output folder, without creating anything: call it before
     * start-up, so a file in the way or a folder that cannot be written fails fast.
     *
     * @param dir the folder
     * @param option the command-line option that named it, for the message
     */
    static void check(Path dir, String option) {
        OutputPaths.requireWritableFolder(dir, option);
    }

    /**
     * @param dir the folder, created with its parents if missing
     * @return the folder, to close when the run ends
     * @throws IOException if it cannot be created
     */
    static OutputFolder create(Path dir) throws IOException {
        boolean existed = Files.isDirectory(dir);
        Files.createDirectories(dir);
        return new OutputFolder(dir, !existed);
    }

    /**
     * @param name a file or sub-folder name the run will write
     * @return its path inside the folder
     */
    Path resolve(String name) {
        Path p = dir.resolve(name);
        entries.add(p);
        return p;
    }

    /** @return the folder */
    Path path() {
        return dir;
    }

    /** Marks the run as finished: closing keeps everything. */
    void keep() {
        kept = true;
    }

    /** Removes what the run wrote, and the folder, if the run created it and did not finish. */
    @Override
    public void close() {
        if (kept || !created) {
            return;
        }
        try {
            for (Path p : entries) {
                deleteTree(p);
            }
            try (var rest = Files.list(dir)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        } catch (IOException e) {
            // best effort: the run's own error is what the user needs to see
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
