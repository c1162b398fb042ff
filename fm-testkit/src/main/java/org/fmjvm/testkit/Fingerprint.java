package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;

/**
 * Everything a backend computes for the tutorial, kept whole to compare runs: the losses and final
 * weights of seeded training at batch 256, 4,096 and 40,000 (sizes at which engines split work
 * between threads; with gradient clipping, a full reduction), the velocity of 10,000 points, the
 * exact divergence of 2,048 and a Hutchinson estimate of 10,000. Two runs are
 * <em>reproducible</em> when their fingerprints are bitwise equal, and <em>agree</em> when every
 * value is within a relative tolerance of the other run's.
 *
 * <p>What thread counts may change is the order in which a matrix product or a reduction adds its
 * terms, which moves float32 results by a few units in the last place; Adam then carries such
 * differences through training without amplifying them beyond the learning rate's scale. The
 * tolerance of {@link #assertAgrees} is meant for exactly that, and is far below any difference a
 * wrong result would make.
 *
 * <p>A fingerprint can be written to a file by a child JVM (for engines whose thread pool is
 * process-wide) and read back by the test. Immutable once built; thread-safe.
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
public final class Fingerprint {
    private final Map<String, float[]> values;

    private Fingerprint(Map<String, float[]> values) {
        this.values = values;
    }

    /**
     * Runs the workloads on {@code backend}.
     *
     * @param backend the backend
     * @return the results, by name ({@code train-256}, ..., {@code velocity}, {@code divergence},
     *     {@code estimate})
     */
    public static Fingerprint of(Backend backend) {
        ModelSpec spec = ModelSpec.mlp(2);
        Map<String, float[]> out = new LinkedHashMap<>();
        ModelWeights w0 = spec.initialWeights(Rng.seeded(1));
        for (int[] run : new int[][] {{256, 30}, {4096, 6}, {40_000, 2}}) {
            out.put("train-" + run[0], flatten(Workloads.train(backend, spec, w0, run[0], run[1])));
        }
        Rng data = Rng.seeded(3);
        try (TensorScope scope = backend.openScope();
                VelocityModel model = backend.newModel(spec, spec.initialWeights(Rng.seeded(2)))) {
            Tensor x = backend.randn(data, 10_000, 2);
            out.put("velocity", model.velocity(0.3, x).toFloatArray());
            out.put("divergence", model.divergence(backend.full(0.7, 2048, 1), x.slice(0, 0, 2048)).toFloatArray());
            out.put("estimate", model.divergenceEstimate(backend.full(0.2, 10_000, 1), x,
                    backend.randn(data, 10_000, 2)).toFloatArray());
        }
        return new Fingerprint(out);
    }

    /** Losses (as float32) then every weight, in order. */
    private static float[] flatten(List<Object> trained) {
        List<float[]> parts = new ArrayList<>();
        for (Object o : trained) {
            if (o instanceof Double loss) {
                parts.add(new float[] {loss.floatValue()});
            } else {
                ((ModelWeights) o).parameters().forEach(p -> parts.add(p.values()));
            }
        }
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * @param file where to write this fingerprint (binary, read by {@link #read})
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(values.size());
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float v : e.getValue()) {
                    out.writeInt(Float.floatToRawIntBits(v));
                }
            }
        }
    }

    /**
     * @param file a file written by {@link #write}
     * @return the fingerprint in it
     * @throws IOException if it cannot be read
     */
    public static Fingerprint read(Path file) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(is)) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = Float.intBitsToFloat(in.readInt());
                }
                values.put(name, v);
            }
        }
        return new Fingerprint(values);
    }

    /** @return the names of the results, in order */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /**
     * Asserts that {@code other} is bitwise equal to this fingerprint, naming every result that
     * differs and by how much.
     *
     * @param other the other run
     * @param what what the two runs are, for the message
     */
    public void assertReproducedBy(Fingerprint other, String what) {
        assertThat(other.names()).as(what).isEqualTo(names());
        List<String> differing = new ArrayList<>();
        for (String name : names()) {
            if (!java.util.Arrays.equals(values.get(name), other.values.get(name))) {
                differing.add(name + " (" + describe(maxRelativeDifference(values.get(name), other.values.get(name)))
                        + ")");
            }
        }
        assertThat(differing).as("%s: results that are not bitwise equal (largest relative difference)", what)
                .isEmpty();
    }

    /**
     * Asserts that every value of {@code other} is within {@code relative} of this fingerprint's
     * (relative to the larger magnitude of the two, with values below {@code 1e-3} compared
     * absolutely, at that scale), naming every result that does not.
     *
     * @param other the other run
     * @param relative the tolerance, e.g. {@code 1e-4}
     * @param what what the two runs are, for the message
     */
    public void assertAgrees(Fingerprint other, double relative, String what) {
        assertThat(other.names()).as(what).isEqualTo(names());
        List<String> differing = new ArrayList<>();
        for (String name : names()) {
            double d = maxRelativeDifference(values.get(name), other.values.get(name));
            if (!(d <= relative)) {
                differing.add(name + " (" + describe(d) + ")");
            }
        }
        assertThat(differing).as("%s: results that differ by more than %s relative", what, relative).isEmpty();
    }

    /**
     * @param other the other run
     * @return the largest relative difference over all results (see {@link #assertAgrees}), 0 if bitwise
     *     equal
     */
    public double maxRelativeDifference(Fingerprint other) {
        double max = 0;
        for (String name : names()) {
            max = Math.max(max, maxRelativeDifference(values.get(name), other.values.get(name)));
        }
        return max;
    }

    private static double maxRelativeDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double scale = Math.max(1e-3, Math.max(Math.abs(a[i]), Math.abs(b[i])));
            double d = Math.abs((double) a[i] - b[i]) / scale;
            if (!(d <= max)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    private static String describe(double d) {
        return String.format(Locale.ROOT, "%.2g", d);
    }
}
