package org.fmjvm.examples.plugin;

import java.util.List;
import java.util.Optional;

import com.google.inject.Binder;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;

/**
 * A plugin as a third party writes one, using fm-api alone and listed in this module's test
 * {@code META-INF/services/org.fmjvm.api.spi.FmModule}: it adds the data set {@code offset-gaussian}
 * and declares a kind of its own, {@code point-transform}, with one component, {@code swap-axes}.
 * Nothing in fm-core names either.
 */
public final class ThirdPartyDataModule implements FmModule {

    /** A kind fm does not define: a map of points, as a plugin might offer for data augmentation. */
    public interface PointTransform {
        /**
         * @param points row-major points of {@code dim} coordinates
         * @param dim the number of coordinates of a point
         * @return the transformed points, a new array
         */
        float[] apply(float[] points, int dim);
    }

    /** The declared kind. */
    public static final ComponentKind<PointTransform> POINT_TRANSFORM =
            ComponentKind.of("point-transform", PointTransform.class);

    @Override
    public void configure(Binder binder) {
        FmBinders.datasets(binder).add(ComponentFactory.of(OffsetGaussian.NAME,
                "N((mean, mean), std^2 I): a single Gaussian away from the origin",
                List.of(ParamSpec.number("mean", 4, "each coordinate of the centre"),
                        ParamSpec.number("std", 0.5, "standard deviation per coordinate, > 0")),
                params -> new OffsetGaussian(params.number("mean"), params.positive("std"))));
        FmBinders.components(binder, POINT_TRANSFORM).add(ComponentFactory.of("swap-axes",
                "swaps the first two coordinates of every point", params -> (points, dim) -> {
                    float[] out = points.clone();
                    for (int i = 0; i + 1 < out.length; i += dim) {
                        out[i] = points[i + 1];
                        out[i + 1] = points[i];
                    }
                    return out;
                }));
    }

    /** {@code N((mean, mean), std^2 I)} in the plane. Immutable and thread-safe. */
    public static final class OffsetGaussian implements Dataset {
        /** Its registered name. */
        public static final String NAME = "offset-gaussian";

        private final double mean;
        private final double std;

        OffsetGaussian(double mean, double std) {
            this.mean = mean;
            this.std = std;
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
            float[] out = new float[2 * n];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (mean + std * rng.nextGaussian());
            }
            return out;
        }

        @Override
        public Optional<LogDensity> logDensity() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return NAME + ": N((" + mean + ", " + mean + "), " + std + "^2 I)";
        }
    }
}
