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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.io.PointsCsv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin kit as a third party uses it. {@code plugin-template/} is a standalone Maven project (it
 * does not inherit the project's parent) that depends on fm-api, with fm-testkit and a backend for
 * its tests. Before anything else, this test builds it the way its README says: the fm modules it
 * needs are put in a fresh local Maven repository as {@code mvn install} would (the parent pom, then
 * fm-api, fm-nn, fm-testkit and fm-backend-djl, from this build), every other artifact is read from the
 * machine's Maven cache through a {@code file:} mirror (so nothing is downloaded), and
 * {@code mvn verify} compiles the template and runs its tests, the contract suites included.
 *
 * <p>Then the jar it built is used as a user would: each check runs the {@code fm} command line in a
 * child JVM on this test's class path, once without the jar and once with it dropped into a
 * {@code plugins/} folder that joins the class path as {@code plugins/*}, as the launcher does.
 */
class PluginTemplateTest {

    private static final String MODULE = "com.example.fmplugin.ExamplePluginsModule";

    @TempDir
    static Path dir;
    static Path plugins;
    static Path template;
    static String jarName;

    @BeforeAll
    static void buildTheTemplateAgainstInstalledModules() throws IOException, InterruptedException {
        Path root = Path.of(property("fm.projectRoot"));
        String version = property("fm.version");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        install(repo, "fm-parent", version, root.resolve("pom.xml"), null);
        for (String module : List.of("fm-api", "fm-nn", "fm-testkit", "fm-backend-djl")) {
            install(repo, module, version, root.resolve(module).resolve("pom.xml"),
                    Path.of(property("fm.artifact." + module)));
        }
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>machine-cache</id><mirrorOf>*</mirrorOf><url>"
                + Path.of(property("fm.localRepository")).toUri() + "</url></mirror></mirrors></settings>\n");
        template = dir.resolve("template");
        copyTree(root.resolve("plugin-template"), template);

        Path log = dir.resolve("template-build.log");
        Process p = new ProcessBuilder("mvn", "-B", "-Dstyle.color=never", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repo, "-Dfm.version=" + version, "verify")
                .directory(template.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the template's build took over ten minutes; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("mvn verify of plugin-template; its output:%n%s", tail(output)).isZero();

        Path jar = template.resolve("target").resolve("fm-plugin-template-1.0.0-SNAPSHOT.jar");
        assertThat(jar).isRegularFile();
        plugins = Files.createDirectories(dir.resolve("plugins"));
        jarName = jar.getFileName().toString();
        Files.copy(jar, plugins.resolve(jarName));
    }

    @Test
    void theTemplatesOwnTestsRanTheContractSuites() throws IOException {
        Path reports = template.resolve("target").resolve("surefire-reports");
        for (String suite : List.of("SigmoidPathContractTest", "SortedProjectionCouplingContractTest",
                "RalstonSolverContractTest", "RingDatasetContractTest", "ExamplePluginsModuleTest",
                "SigmoidSchedulerTest")) {
            String xml = Files.readString(reports.resolve("TEST-com.example.fmplugin." + suite + ".xml"));
            int tests = attribute(xml, "tests");
            assertThat(tests).as(suite + " tests").isGreaterThan(0);
            assertThat(attribute(xml, "failures") + attribute(xml, "errors")).as(suite + " failures").isZero();
            assertThat(attribute(xml, "skipped")).as(suite + " skipped").isLessThan(tests);
        }
    }

    @Test
    void withoutTheJarItsPluginsAreUnknown() throws Exception {
        Path out = dir.resolve("without");
        Run run = fm(false, "train", "--dataset", "four-gaussians", "--path", "sigmoid", "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("fm: Unknown path 'sigmoid'; known: [", "cond-ot");
        assertThat(out).doesNotExist();
        Run ring = fm(false, "train", "--dataset", "ring", "--out", out.toString());
        assertThat(ring.exit()).as(ring.err()).isEqualTo(1);
        assertThat(ring.err()).contains("fm: Unknown dataset 'ring'; known: [", "four-gaussians");
        assertThat(out).doesNotExist();
    }

    @Test
    void withTheJarInPluginsTheyAreListedTrainAndSample() throws Exception {
        Run list = fm(true, "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("  sigmoid ", "k=10.0 (number): steepness", "  sorted-projection ",
                "  ralston ", "  ring ", "radius=3.0 (number)", "from " + MODULE + " (" + jarName + ")");

        Path ck = dir.resolve("ck");
        Run train = fm(true, "train", "--dataset", "four-gaussians", "--path", "sigmoid", "--path-param", "k=8",
                "--coupling", "sorted-projection", "--steps", "400", "--batch", "128", "--hidden", "64,64",
                "--out", ck.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("path: sigmoid {k=8}", "coupling: sorted-projection", "400 steps of batch 128");
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("path").path("name").asText()).isEqualTo("sigmoid");
        assertThat(info.path("path").path("params").path("k").asText()).isEqualTo("8");
        assertThat(info.path("coupling").path("name").asText()).isEqualTo("sorted-projection");
        assertThat(info.path("training").path("finalLoss").asDouble()).isFinite();

        Path samples = dir.resolve("samples.csv");
        Run sample = fm(true, "sample", "--checkpoint", ck.toString(), "--n", "2000", "--solver", "ralston",
                "--ode-steps", "20", "--out", samples.toString());
        assertThat(sample.exit()).as(sample.err()).isZero();
        assertThat(sample.out()).contains("ralston (fixed step, order 2, 2 NFE per step), 20 steps");
        PointsCsv.Points points = PointsCsv.read(samples);
        assertThat(points.n()).isEqualTo(2000);

        // The flow has carried the noise to the four modes (std 0.5): within 1.5 of a mode lie under 1%
        // of standard-normal points, and a good share of these samples after this short run; none is dropped.
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
    void withTheJarInPluginsItsDataSetTrainsByName() throws Exception {
        Path ck = dir.resolve("ring-ck");
        Run train = fm(true, "train", "--dataset", "ring", "--steps", "50", "--batch", "64", "--hidden", "16,16",
                "--out", ck.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("data: ring: a circle of radius 3.0 with Gaussian noise of std 0.2",
                "50 steps of batch 64");
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("data").asText()).isEqualTo("ring");
        assertThat(info.path("training").path("finalLoss").asDouble()).isFinite();
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

    // ------------------------------------------------------------------------------------------ helpers

    private static String property(String name) {
        String v = System.getProperty(name);
        assertThat(v).as("system property %s, set by fm-examples/pom.xml: run this test through Maven", name)
                .isNotBlank().doesNotContain("${");
        return v;
    }

    /**
     * Puts an artifact where {@code mvn install} would: {@code groupId/artifactId/version/} with its pom
     * and, unless {@code built} is null, its jar ({@code mvn test} in the reactor gives a classes folder
     * instead of a jar: it is jarred here as {@code package} would).
     */
    private static void install(Path repo, String artifact, String version, Path pom, Path built) throws IOException {
        Path at = Files.createDirectories(repo.resolve("org/fmjvm").resolve(artifact).resolve(version));
        Files.copy(pom, at.resolve(artifact + "-" + version + ".pom"));
        if (built == null) {
            return;
        }
        Path jar = at.resolve(artifact + "-" + version + ".jar");
        if (Files.isRegularFile(built)) {
            Files.copy(built, jar);
        } else {
            jarFolder(built, jar);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                Path dst = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(f, dst);
                }
            }
        }
    }

    private static int attribute(String xml, String name) {
        Matcher m = Pattern.compile("<testsuite [^>]*\\b" + name + "=\"(\\d+)\"").matcher(xml);
        assertThat(m.find()).as("attribute %s in a surefire report", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
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
