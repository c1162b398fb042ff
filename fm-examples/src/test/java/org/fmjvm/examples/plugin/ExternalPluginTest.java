package org.fmjvm.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.io.PointsCsv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path written outside the project is discovered at run time and trains. The jar of
 * {@code fm-examples/plugin-example} (the {@code sigmoid} path, built against fm-api only) is not on
 * this test's class path: surefire leaves it off and passes its location in {@code fm.examplePlugin}.
 * Each check runs the {@code fm} command line in a child JVM on this class path, once without the
 * jar and once with it dropped into a {@code plugins/} folder that joins the class path as
 * {@code plugins/*}, exactly as the {@code fm} launcher does.
 */
class ExternalPluginTest {

    private static final String MODULE = "org.fmjvm.example.plugin.SigmoidPathModule";

    @TempDir
    static Path dir;
    static Path plugins;
    static String jarName;

    @BeforeAll
    static void dropThePluginJarIntoAPluginsFolder() throws IOException {
        String built = System.getProperty("fm.examplePlugin");
        assertThat(built).as("fm.examplePlugin, set by fm-examples/pom.xml: run this test through Maven").isNotBlank();
        Path jar = Path.of(built);
        assertThat(System.getProperty("java.class.path").split(File.pathSeparator))
                .as("the test class path must not hold the plugin").noneMatch(e -> Path.of(e).equals(jar));
        plugins = Files.createDirectories(dir.resolve("plugins"));
        if (Files.isRegularFile(jar)) {
            jarName = jar.getFileName().toString();
            Files.copy(jar, plugins.resolve(jarName));
        } else {
            // `mvn test` in the reactor resolves the module to its classes folder: jar it as `package` would
            jarName = "fm-plugin-example.jar";
            jarFolder(jar, plugins.resolve(jarName));
        }
    }

    @Test
    void withoutTheJarThePathIsUnknown() throws Exception {
        Path out = dir.resolve("without");
        Run run = fm(false, "train", "--dataset", "four-gaussians", "--path", "sigmoid", "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("fm: Unknown path 'sigmoid'; known: [", "cond-ot");
        assertThat(out).doesNotExist();
    }

    @Test
    void withTheJarInPluginsItIsListedTrainsAndSamples() throws Exception {
        Run list = fm(true, "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("  sigmoid ", "k=10.0 (number): steepness",
                "from " + MODULE + " (" + jarName + ")");

        Path ck = dir.resolve("ck");
        Run train = fm(true, "train", "--dataset", "four-gaussians", "--path", "sigmoid", "--path-param", "k=8",
                "--steps", "400", "--batch", "128", "--hidden", "64,64", "--out", ck.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("400 steps of batch 128");
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("path").path("name").asText()).isEqualTo("sigmoid");
        assertThat(info.path("path").path("params").path("k").asText()).isEqualTo("8");
        assertThat(info.path("training").path("finalLoss").asDouble()).isFinite();

        Path samples = dir.resolve("samples.csv");
        Run sample = fm(true, "sample", "--checkpoint", ck.toString(), "--n", "2000", "--out", samples.toString());
        assertThat(sample.exit()).as(sample.err()).isZero();
        PointsCsv.Points points = PointsCsv.read(samples);
        assertThat(points.n()).isEqualTo(2000);

        // The flow has carried the noise to the four modes (std 0.5): within 1.5 of a mode lie under 1%
        // of standard-normal points, and about 36% of these samples after this short run; none is dropped.
        GaussianMixture target = GaussianMixture.fourGaussians();
        float[] xs = points.points();
        int near = 0;
        for (int i = 0; i < points.n(); i++) {
            double[] mu = target.mean(target.nearestMode(xs, i));
            near += Math.hypot(xs[2 * i] - mu[0], xs[2 * i + 1] - mu[1]) < 1.5 ? 1 : 0;
        }
        assertThat((double) near / points.n()).as("fraction within 1.5 of a mode").isGreaterThan(0.25);
        for (double f : target.modeFractions(xs, points.n())) {
            assertThat(f).as("fraction of samples per mode").isBetween(0.15, 0.35);
        }
    }

    @Test
    void anInvalidParameterIsOneLineNamingThePathAndTheValue() throws Exception {
        Path out = dir.resolve("invalid");
        Run run = fm(true, "train", "--dataset", "four-gaussians", "--path", "sigmoid", "--path-param", "k=-1",
                "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("fm: path 'sigmoid': k must be > 0, got -1");
        assertThat(out).doesNotExist();
    }

    /** What a child JVM printed and its exit code. */
    private record Run(int exit, String out, String err) {
    }

    /** Runs {@code fm args} in a child JVM on this class path, plus {@code plugins/*} if asked. */
    private static Run fm(boolean withPlugins, String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("java.class.path")
                + (withPlugins ? File.pathSeparator + plugins.resolve("*") : "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", classPath,
                "org.fmjvm.examples.cli.FmCommand"));
        command.addAll(Arrays.asList(args));
        Path stdout = Files.createTempFile(dir, "out", ".txt");
        Path stderr = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fm " + String.join(" ", args) + " took over two minutes");
        }
        return new Run(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static void jarFolder(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
