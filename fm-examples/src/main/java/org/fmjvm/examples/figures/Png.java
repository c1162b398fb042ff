package org.fmjvm.examples.figures;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.fmjvm.core.io.AtomicFiles;

/**
 * Writes PNG files atomically, through {@link AtomicFiles}: encode into a temporary sibling, then
 * rename it over the target.
 */
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
   * Writes {@code image} to {@code out} with {@code encoder}, atomically ({@link AtomicFiles}): the
   * bytes go to a temporary file in the same directory, are forced to disk, and the file is then
   * renamed over {@code out}. If anything fails, the temporary file is deleted and an existing
   * {@code out} is left as it was.
   *
   * @throws IOException if encoding or writing fails, or {@code out} is not a file path (e.g. a
   *     directory)
   */
  static void write(Path out, BufferedImage image, Encoder encoder) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(encoder, "encoder");
    AtomicFiles.write(out, stream -> encoder.encode(image, stream));
  }
}
