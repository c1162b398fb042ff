package org.fmjvm.core.data;

import org.fmjvm.api.density.LogDensity;

/** Numerical integrals of densities, for the tests that check a log density integrates to one. */
final class Quadrature {

    private Quadrature() {
    }

    /**
     * The midpoint rule for {@code integral of exp(q(x, y)) dx dy} over {@code [-half, half)^2}, on
     * square cells of side {@code h}.
     *
     * @param q a log density of dimension 2
     * @param half half the side of the square
     * @param h the cell side
     * @return the approximate integral
     */
    static double overSquare(LogDensity q, double half, double h) {
        double total = 0;
        float[] p = new float[2];
        for (double x = -half + h / 2; x < half; x += h) {
            for (double y = -half + h / 2; y < half; y += h) {
                p[0] = (float) x;
                p[1] = (float) y;
                total += Math.exp(q.at(p, 0));
            }
        }
        return total * h * h;
    }
}
