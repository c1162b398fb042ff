package org.fmjvm.examples.figures;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes PNG files atomically: encode into a temporary sibling, then rename it over the target. */
final class Png {

  /** Encodes an image onto a stream (a seam for tests to inject encoding failures). */
  @FunctionalInterface
  interface Encoder {
    void encode(BufferedImage image, OutputStream out) throws IOException;
  }

  /** The standard PNG encoder, with in-memory caching (no ImageIO cache files, no global setting). */
  static final Encoder PNG = (image, out) -> {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IOException("no PNG writer available in this JVM");
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(image);
    } finally {
      writer.dispose();
    }
  };

  private Png() {}

  /** Writes {@code image} as a PNG to {@code out}, creating missing parent directories. */
  static void write(Path out, BufferedImage image) throws IOException {
    write(out, image, PNG);
  }

  /**
   * Writes {@code image} to {@code out} with {@code encoder}: the bytes go to a temporary file in
   * the same directory, are forced to disk, and the file is then renamed over {@code out}. If
   * anything fails, the temporary file is deleted and an existing {@code out} is left as it was.
   */
  static void write(Path out, BufferedImage image, Encoder encoder) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(image, "image");
    Path target = out.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || target.getFileName() == null) {
      throw new IllegalArgumentException("out must name a file, got " + out);
    }
    if (Files.isDirectory(target)) {
      throw new IllegalArgumentException("out must name a file, but " + target + " is a directory");
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
           OutputStream stream = Channels.newOutputStream(channel)) {
        encoder.encode(image, stream);
        stream.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException | Error failure) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }
}
