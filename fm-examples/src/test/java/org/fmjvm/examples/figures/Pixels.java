package org.fmjvm.examples.figures;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** Pixel reading helpers for figure tests. */
final class Pixels {

  private Pixels() {}

  static Color at(BufferedImage image, double x, double y) {
    int px = (int) Math.floor(x);
    int py = (int) Math.floor(y);
    if (px < 0 || py < 0 || px >= image.getWidth() || py >= image.getHeight()) {
      return Color.WHITE;
    }
    return new Color(image.getRGB(px, py));
  }

  /** Green dominates: a generated-sample pixel. */
  static boolean greenish(Color c) {
    return c.getGreen() > c.getRed() + 35 && c.getGreen() > c.getBlue() + 35;
  }

  /** Orange: a target-sample pixel. */
  static boolean orangeish(Color c) {
    return c.getRed() > c.getGreen() + 35 && c.getGreen() > c.getBlue() + 25;
  }

  /** Red dominates: a held-out loss marker. */
  static boolean reddish(Color c) {
    return c.getRed() > c.getGreen() + 80 && c.getRed() > c.getBlue() + 80;
  }

  /** Blue dominates: a source point or an arrow. */
  static boolean bluish(Color c) {
    return c.getBlue() > c.getRed() + 35;
  }

  /** Grey of at most {@code maxLevel} with channels within 12 of each other. */
  static boolean greyDarkerThan(Color c, int maxLevel) {
    int max = Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()));
    int min = Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue()));
    return max - min <= 12 && max <= maxLevel;
  }

  static int brightness(Color c) {
    return (c.getRed() + c.getGreen() + c.getBlue()) / 3;
  }

  /** Darkest brightness within a square of half-width {@code r} pixels around {@code (x, y)}. */
  static int darkestAround(BufferedImage image, double x, double y, int r) {
    int best = 255;
    for (int dy = -r; dy <= r; dy++) {
      for (int dx = -r; dx <= r; dx++) {
        best = Math.min(best, brightness(at(image, x + dx, y + dy)));
      }
    }
    return best;
  }

  /** The darkest pixel within a square of half-width {@code r} pixels around {@code (x, y)}. */
  static Color darkestColorAround(BufferedImage image, double x, double y, int r) {
    Color best = Color.WHITE;
    for (int dy = -r; dy <= r; dy++) {
      for (int dx = -r; dx <= r; dx++) {
        Color c = at(image, x + dx, y + dy);
        if (brightness(c) < brightness(best)) {
          best = c;
        }
      }
    }
    return best;
  }

  /** Number of pixels matching {@code test} inside the disc of radius {@code r} around {@code (x, y)}. */
  static int countInDisc(BufferedImage image, double x, double y, double r, java.util.function.Predicate<Color> test) {
    int n = 0;
    for (int py = (int) Math.floor(y - r); py <= Math.ceil(y + r); py++) {
      for (int px = (int) Math.floor(x - r); px <= Math.ceil(x + r); px++) {
        if (Math.hypot(px + 0.5 - x, py + 0.5 - y) <= r && test.test(at(image, px, py))) {
          n++;
        }
      }
    }
    return n;
  }
}
