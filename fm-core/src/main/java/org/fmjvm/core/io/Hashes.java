package org.fmjvm.core.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

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
     * @param digest a finished digest, e.g. {@code sha256().digest()}
     * @return its bytes as lowercase hex, two digits per byte
     */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(Objects.requireNonNull(digest, "digest"));
    }
}
