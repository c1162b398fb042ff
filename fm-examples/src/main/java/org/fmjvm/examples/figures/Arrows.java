package org.fmjvm.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;

/** Quiver arrows in pixel coordinates. */
final class Arrows {

  private Arrows() {}

  /**
   * Draws an arrow from the tail {@code (x0, y0)} to the tip {@code (x1, y1)} (pixels): a shaft of
   * width {@code shaft} and a filled head about 4.5 shaft widths long. Arrows shorter than 1.5
   * pixels are drawn as a dot, so that a vanishing velocity still marks its grid point.
   */
  static void draw(Graphics2D g, double x0, double y0, double x1, double y1, Color color, double shaft) {
    g.setColor(color);
    double dx = x1 - x0;
    double dy = y1 - y0;
    double len = Math.hypot(dx, dy);
    if (len < 1.5) {
      double r = shaft * 0.8;
      g.fill(new Ellipse2D.Double((x0 + x1) / 2 - r, (y0 + y1) / 2 - r, 2 * r, 2 * r));
      return;
    }
    double ux = dx / len;
    double uy = dy / len;
    double head = Math.min(4.5 * shaft, 0.45 * len);
    double half = Math.max(head * 0.5, shaft * 1.2);
    double bx = x1 - ux * head;
    double by = y1 - uy * head;
    g.setStroke(new BasicStroke((float) shaft, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
    g.draw(new Line2D.Double(x0, y0, bx + ux * 0.5, by + uy * 0.5));
    Path2D.Double tip = new Path2D.Double();
    tip.moveTo(x1, y1);
    tip.lineTo(bx - uy * half, by + ux * half);
    tip.lineTo(bx + uy * half, by - ux * half);
    tip.closePath();
    g.fill(tip);
  }
}
