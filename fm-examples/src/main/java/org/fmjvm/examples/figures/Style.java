package org.fmjvm.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Colours, fonts and strokes shared by all figures (handed to XChart's styler in {@link Charts});
 * the one place to change the look.
 */
final class Style {

  /** Source samples (t = 0). */
  static final Color SOURCE = new Color(0x1f77b4);
  /** Target (data) samples. */
  static final Color TARGET = new Color(0xff7f0e);
  /** Generated samples (t = 1 of the learned flow). */
  static final Color GENERATED = new Color(0x2ca02c);
  /** Pair lines and trajectories. */
  static final Color PATH = new Color(0x55, 0x55, 0x55);

  /** Series colours for comparison plots (solvers), in order of use. */
  static final Color[] SERIES = {
    new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22),
    new Color(0x7f7f7f), new Color(0xff7f0e)
  };

  static final Color BACKGROUND = Color.WHITE;
  static final Color TEXT = new Color(0x22, 0x22, 0x22);
  static final Color TICK_TEXT = new Color(0x44, 0x44, 0x44);
  static final Color FRAME = new Color(0x80, 0x80, 0x80);
  static final Color GRID = new Color(0xe8, 0xe8, 0xe8);
  static final Color BAND = new Color(0x80, 0x80, 0x80, 80);

  static final Font TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
  static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

  static final BasicStroke GRID_STROKE = new BasicStroke(1f);
  static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);

  /**
   * Colour stops of the speed colour map, light to dark blue: slow arrows recede, fast ones stand
   * out, every shade is readable on white and none is confused with the orange target samples.
   */
  private static final int[] SPEED_STOPS = {
    0xa6bddb, 0x74a9cf, 0x3690c0, 0x0570b0, 0x045a8d, 0x023858, 0x011a33
  };

  /**
   * Colour stops of the diverging colour map at -1, -0.8, ..., 0.8, 1: dark blue through light
   * blue to near white at 0, then light red to dark red (ColorBrewer's RdBu, reversed).
   */
  private static final int[] DIVERGING_STOPS = {
    0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f
  };
  /** Cells without a value (NaN) in a diverging map: a neutral grey that no value maps to. */
  static final Color UNDEFINED = new Color(0x9a, 0x9a, 0x9a);

  private Style() {}

  /** The same colour with the given opacity in [0, 1]. */
  static Color alpha(Color c, double opacity) {
    int a = (int) Math.round(Math.max(0, Math.min(1, opacity)) * 255);
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
  }

  /** Colour for a speed fraction {@code f} in [0, 1] (clamped): slow is light, fast is dark blue. */
  static Color speedColor(double f) {
    double x = Double.isFinite(f) ? Math.max(0, Math.min(1, f)) : 0;
    double pos = x * (SPEED_STOPS.length - 1);
    int i = Math.min((int) Math.floor(pos), SPEED_STOPS.length - 2);
    return mix(SPEED_STOPS[i], SPEED_STOPS[i + 1], pos - i);
  }

  /**
   * Colour for {@code v} in [-1, 1] (clamped) on the diverging map: negative blue, 0 near white,
   * positive red; {@link #UNDEFINED} grey for NaN.
   */
  static Color divergingColor(double v) {
    if (Double.isNaN(v)) {
      return UNDEFINED;
    }
    double pos = (Math.max(-1, Math.min(1, v)) + 1) / 2 * (DIVERGING_STOPS.length - 1);
    int i = Math.min((int) Math.floor(pos), DIVERGING_STOPS.length - 2);
    return mix(DIVERGING_STOPS[i], DIVERGING_STOPS[i + 1], pos - i);
  }

  /** Linear mix of two RGB colours, {@code w = 0} gives {@code a}. */
  private static Color mix(int a, int b, double w) {
    int r = (int) Math.round(((a >> 16) & 0xff) * (1 - w) + ((b >> 16) & 0xff) * w);
    int g = (int) Math.round(((a >> 8) & 0xff) * (1 - w) + ((b >> 8) & 0xff) * w);
    int bl = (int) Math.round((a & 0xff) * (1 - w) + (b & 0xff) * w);
    return new Color(r, g, bl);
  }

  /** A white opaque RGB image of the given size. */
  static BufferedImage newImage(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** A graphics context on {@code image} with quality rendering hints; the caller disposes it. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    // integer metrics, as XChart measures text: with fractional metrics it would draw wider than it laid out
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(RenderingHints.KEY_ALPHA_INTERPOLATION, RenderingHints.VALUE_ALPHA_INTERPOLATION_QUALITY);
    return g;
  }
}
