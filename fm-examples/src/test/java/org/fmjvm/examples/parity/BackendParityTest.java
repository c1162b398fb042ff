package org.fmjvm.examples.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.train.TrainingConfig;
import org.fmjvm.examples.cli.CliTestAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two backends compute the same function: with identical weights the velocities agree to float32
 * precision, and a model trained on one backend samples to the same points on the other from the
 * same noise.
 */
class BackendParityTest {

    private static FmRuntime djl;
    private static FmRuntime tf;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        djl = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of("djl")));
        tf = FlowMatching.bootstrap(FmConfig.defaults().withBackend(ComponentChoice.of("tf")));
    }

    @AfterAll
    static void close() {
        djl.close();
        tf.close();
    }

    /** Weights from a short training run, so the field is not a freshly initialised one. */
    private static ModelWeights trained(ModelSpec spec) {
        try (TrainableModel m = djl.newTrainableModel(spec, OptimizerSpec.adam(1e-3))) {
            djl.trainer(GaussianMixture.fourGaussians()).train(m, new TrainingConfig(200, 128), List.of());
            return m.weights();
        }
    }

    private static float[] velocity(FmRuntime fm, ModelSpec spec, ModelWeights w, float[] t, float[] x, int n) {
        try (VelocityModel model = fm.loadModel(spec, w); TensorScope scope = fm.backend().openScope()) {
            Tensor v = model.velocity(fm.backend().fromArray(t, n, 1), fm.backend().fromArray(x, n, spec.dim()));
            return v.toFloatArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"silu/raw", "silu/sinusoidal:4", "relu/raw", "tanh/sinusoidal:2", "softplus/raw"})
    void velocitiesAgreeWithIdenticalWeights(String variant) {
        String[] parts = variant.split("/");
        ModelSpec spec = new ModelSpec(2, List.of(64, 64, 64), Activation.parse(parts[0]), TimeEmbedding.parse(parts[1]));
        ModelWeights w = trained(spec);
        int n = 1000;
        Rng rng = Rng.seeded(11);
        float[] t = rng.uniforms(n);
        float[] x = rng.normals(n * 2);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 3;
        }
        float[] a = velocity(djl, spec, w, t, x, n);
        float[] b = velocity(tf, spec, w, t, x, n);
        double scale = 0;
        double err = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            err = Math.max(err, Math.abs(a[i] - b[i]));
        }
        assertThat(scale).isGreaterThan(0.1);
        assertThat(err / scale).as("max |v_djl - v_tf| / max |v_djl|").isLessThan(1e-5);
    }

    @Test
    void trainedOnDjlSampledOnTfGivesTheSamePoints() throws IOException {
        crossBackend("djl", "tf");
    }

    @Test
    void trainedOnTfSampledOnDjlGivesTheSamePoints() throws IOException {
        crossBackend("tf", "djl");
    }

    private void crossBackend(String trainOn, String alsoSampleOn) throws IOException {
        Path ck = dir.resolve("ck-" + trainOn);
        CliTestAccess.run("train", "--dataset", "four-gaussians", "--out", ck.toString(), "--backend", trainOn,
                "--steps", "300", "--batch", "128", "--hidden", "64,64,64");
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        CliTestAccess.run("sample", "--checkpoint", ck.toString(), "--backend", trainOn, "--n", "2000",
                "--ode-steps", "50", "--seed", "5", "--out", a.toString());
        CliTestAccess.run("sample", "--checkpoint", ck.toString(), "--backend", alsoSampleOn, "--n", "2000",
                "--ode-steps", "50", "--seed", "5", "--out", b.toString());
        float[] pa = PointsCsv.read(a).points();
        float[] pb = PointsCsv.read(b).points();
        assertThat(pb).hasSameSizeAs(pa);
        double err = 0;
        for (int i = 0; i < pa.length; i++) {
            err = Math.max(err, Math.abs(pa[i] - pb[i]));
        }
        assertThat(err).as("max |x_" + trainOn + " - x_" + alsoSampleOn + "|").isLessThan(1e-4);
    }
}
