package org.fmjvm.core.checkpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

import org.fmjvm.api.error.CheckpointException;

/**
 * An advisory lock on a checkpoint folder, so that two writers cannot interleave their files: the
 * second fails at once with a message naming the holder (process id, host, since when). It is an
 * operating-system lock on {@value #FILE} inside the folder, released when the holder closes it or
 * its process ends (also by {@code kill -9}), so a crash never leaves a stale lock behind. The file
 * itself stays; it holds one line describing the last holder.
 *
 * <p>The lock is per process: a second {@link #acquire} on the same folder from the same JVM fails
 * too. Readers ({@link Checkpoints#load}) do not take it: they read whichever complete checkpoint the
 * folder's {@code checkpoint.json} names (see {@link Checkpoints}).
 *
 * <p>Not thread-safe: one owner, closed once.
 */
public final class CheckpointLock implements AutoCloseable {

    /** The lock file inside the folder. */
    public static final String FILE = ".lock";

    private static final int HOLDER_MAX_CHARS = 160;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private CheckpointLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the folder if needed and locks it.
     *
     * @param dir the checkpoint folder
     * @param purpose what the holder does, recorded for a second writer's message, e.g. {@code fm train}
     * @return the held lock; close it when the writing ends
     * @throws CheckpointException if another process (or this one) holds the lock, naming the holder,
     *     or if the folder cannot be created or written
     */
    public static CheckpointLock acquire(Path dir, String purpose) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(purpose, "purpose");
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CheckpointException("cannot write a checkpoint to " + dir + ": it exists and is not a folder;"
                    + " choose another --out", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot create the checkpoint folder " + dir + ": " + e.getMessage()
                    + "; check the path and its permissions", e);
        }
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CheckpointException("cannot write to the checkpoint folder " + dir + ": " + e.getMessage()
                    + "; check that it is writable", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new CheckpointException(dir + " is already being written by this process; close the earlier"
                    + " writer first", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException("cannot lock the checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            String holder = holder(channel);
            closeQuietly(channel);
            throw new CheckpointException(dir + " is being written by another process (" + holder + "); wait for it"
                    + " to finish, or write to another folder");
        }
        CheckpointLock held = new CheckpointLock(dir, channel, lock);
        held.describe(purpose);
        return held;
    }

    /** @return the locked folder */
    public Path dir() {
        return dir;
    }

    private void describe(String purpose) {
        String line = purpose + ", pid " + ProcessHandle.current().pid() + " on " + hostName() + ", since "
                + Instant.now() + "\n";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            // the lock holds without the description; a second writer is told the holder is unknown
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(HOLDER_MAX_CHARS);
            int n = channel.read(buf, 0);
            if (n <= 0) {
                return "holder not recorded yet";
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                char c = (char) (buf.get(i) & 0xFF);
                if (c == '\n') {
                    break;
                }
                out.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
            return out.toString();
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held yet
        }
    }

    /** Releases the lock; the lock file stays. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        } finally {
            closeQuietly(channel);
        }
    }
}
