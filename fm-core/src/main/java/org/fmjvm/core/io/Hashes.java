package org.fmjvm.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import org.fmjvm.api.error.DataException;

/**
 * SHA-256 digests as lowercase hex, the form checkpoints record next to the files they describe.
 *
 * <p>Thread safety: stateless and thread-safe; every call uses its own {@link MessageDigest}.
 */
public final class Hashes {

    private Hashes() {
    }

    /**
     * @return a fresh SHA-256 digest (every Java platform provides one)
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256, which every Java platform must provide", e);
        }
    }

    /**
     * @param bytes the data
     * @return the SHA-256 of {@code bytes}: 64 lowercase hex digits
     */
    public static String sha256Hex(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return hex(sha256().digest(bytes));
    }

    /**
     * Hashes a file of any size in constant memory.
     *
     * @param file a readable file
     * @return the SHA-256 of its bytes: 64 lowercase hex digits
     * @throws org.fmjvm.api.error.DataException if the file cannot be read, naming it
     */
    public static String sha256Hex(Path file) {
        Objects.requireNonNull(file, "file");
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + file + " to check its SHA-256: " + e.getMessage(), e);
        }
        return hex(digest.digest());
    }

    /**
     * @param digest a finished digest, e.g. {@code sha256().digest()}
     * @return its bytes as lowercase hex, two digits per byte
     */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(Objects.requireNonNull(digest, "digest"));
    }
}
