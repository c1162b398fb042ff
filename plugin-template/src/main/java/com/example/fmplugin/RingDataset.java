package com.example.fmplugin;

import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;

/**
 * Points on a circle of radius {@code r} around the origin, at a uniform angle, plus independent
 * Gaussian noise of standard deviation {@code s} on each coordinate: {@code x = r (cos a, sin a) + s e}
 * with {@code a ~ U[0, 2 pi)} and {@code e ~ N(0, I)}. Each coordinate has mean 0 and variance
 * {@code r^2 / 2 + s^2}. Each point draws {@code a}, then the two noise values, in that order.
 *
 * <p>Immutable and thread-safe.
 */
public final class RingDataset implements Dataset {
    /** The name it is registered under. */
    public static final String NAME = "ring";

    private final double radius;
    private final double noise;

    /**
     * @param radius the circle's radius, {@code > 0}
     * @param noise the noise's standard deviation per coordinate, {@code >= 0}
     */
    public RingDataset(double radius, double noise) {
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("radius must be a finite number > 0, got " + radius);
        }
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw new IllegalArgumentException("noise must be a finite number >= 0, got " + noise);
        }
        this.radius = radius;
        this.noise = noise;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public float[] sample(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("number of points must be >= 0, got " + n);
        }
        Objects.requireNonNull(rng, "rng");
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * rng.nextDouble();
            out[2 * i] = (float) (radius * Math.cos(a) + noise * rng.nextGaussian());
            out[2 * i + 1] = (float) (radius * Math.sin(a) + noise * rng.nextGaussian());
        }
        return out;
    }

    /** @return empty: the density is a Bessel-function integral, not worth a closed form here */
    @Override
    public Optional<LogDensity> logDensity() {
        return Optional.empty();
    }

    /** @return the radius {@code r} */
    public double radius() {
        return radius;
    }

    /** @return the noise's standard deviation {@code s} */
    public double noise() {
        return noise;
    }

    @Override
    public String describe() {
        return NAME + ": a circle of radius " + radius + " with Gaussian noise of std " + noise;
    }
}
