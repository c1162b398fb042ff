package org.fmjvm.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;

/**
 * Replaces a file's contents atomically: the bytes go to a temporary file in the same directory
 * (named {@code .<name>.<random>.tmp}), which is flushed to disk and then renamed over the
 * destination with {@link StandardCopyOption#ATOMIC_MOVE}. A reader therefore sees either the old
 * file or the complete new one, never a half-written file; on any failure the temporary file is
 * deleted and the old file is left as it was. Missing parent directories are created.
 *
 * <p>If the JVM is stopped mid-write (Ctrl-C), a shutdown hook deletes the temporary file.
 *
 * <p>On a file system without atomic renames the move falls back to a plain replacing rename.
 *
 * <p>Thread safety: stateless and thread-safe; concurrent writers of one destination each write
 * their own temporary file, and the last rename wins.
 */
public final class AtomicFiles {

    /** Writes a file's contents to a stream; the stream must not be closed by the callback. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * @param out the stream to the temporary file (buffered)
         * @throws IOException to abandon the write; the destination stays untouched
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * @param target the destination file
     * @param bytes its new contents
     * @throws IOException if the directory cannot be created or written; the destination is unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * @param target the destination file
     * @param text its new contents, written as UTF-8
     * @throws IOException if the directory cannot be created or written; the destination is unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the destination from a callback. If the callback throws (an {@link IOException} or any
     * unchecked exception), the temporary file is deleted and the exception propagates.
     *
     * @param target the destination file
     * @param writer produces the new contents
     * @throws IOException if writing, flushing or renaming fails; the destination is unchanged
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path name = absolute.getFileName();
        if (dir == null || name == null) {
            throw new IOException("cannot write " + target + ": it is not a file path");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        Files.createDirectories(dir);
        Path temp = createTemp(dir, name.toString());
        Thread cleanup = onExit(temp);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream raw = Channels.newOutputStream(ch);
                OutputStream out = new BufferedOutputStream(new NonClosing(raw), 1 << 16);
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException suppressed) {
                    // best effort: the original failure is the one to report
                }
            }
            if (cleanup != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it deletes the temporary file
                }
            }
        }
    }

    /**
     * Deletes the temporary file if the JVM shuts down mid-write (Ctrl-C, SIGTERM), so a long write
     * that is interrupted leaves nothing behind; the hook is removed once the write ends.
     *
     * @return the hook, or {@code null} if the JVM is already shutting down
     */
    private static Thread onExit(Path temp) {
        Thread hook = new Thread(() -> {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // nothing more can be done while the JVM exits
            }
        }, "fm-atomic-write-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        } catch (IllegalStateException shuttingDown) {
            return null;
        }
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + name + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
            try {
                // default permissions (like any new file), unlike Files.createTempFile's owner-only ones
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); else skips. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported on this platform or file system: the rename itself is still atomic
        }
    }

    /** Keeps the callback from closing the channel before it is forced to disk. */
    private static final class NonClosing extends OutputStream {
        private final OutputStream out;

        NonClosing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
