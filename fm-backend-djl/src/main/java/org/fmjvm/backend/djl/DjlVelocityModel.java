package org.fmjvm.backend.djl;

/**
 * An inference-only velocity model of the {@code djl} backend: {@link DjlMlp} with weights that do
 * not record gradients. Shapes: {@code t [B, 1]}, {@code x [B, D]}, velocity {@code [B, D]},
 * divergences {@code [B]}. Results go to the caller's current scope.
 *
 * <p>Not thread-safe: a single-threaded session.
 */
final class DjlVelocityModel extends DjlMlpModel {

    DjlVelocityModel(DjlMlp mlp) {
        super(mlp);
    }
}
