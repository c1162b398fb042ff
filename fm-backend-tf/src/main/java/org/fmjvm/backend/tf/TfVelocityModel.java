package org.fmjvm.backend.tf;

/**
 * An inference-only velocity model of the {@code tf} backend: a {@link TfMlp} without optimizer
 * state. Shapes: {@code t [B, 1]}, {@code x [B, D]}, velocity {@code [B, D]}, divergences
 * {@code [B]}. Results go to the caller's current scope.
 *
 * <p>Not thread-safe: a single-threaded session.
 */
final class TfVelocityModel extends TfMlpModel {

    TfVelocityModel(TfMlp mlp) {
        super(mlp);
    }
}
