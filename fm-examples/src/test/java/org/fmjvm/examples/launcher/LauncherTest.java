package org.fmjvm.examples.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fm} launcher's first build, run on a copy of the script with stand-ins for {@code mvn}
 * and {@code java} first on the {@code PATH} (the real build cannot run inside the project's own
 * build). The stand-in Maven writes what Maven 3.8 writes, terminal escape codes included; what the
 * launcher shows must be plain text with one line per module, and a failed build must say where the
 * full log is.
 */
class LauncherTest {

    private static final String MAVEN_OUTPUT = String.join("\n",
            "\u001b[1;34mINFO\u001b[m] Scanning for projects...",
            "[INFO] Building fm-jvm: flow matching for the JVM 0.1.0-SNAPSHOT         [1/3]",
            "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/a/b/big-1.0.jar (214 MB at 30 MB/s)",
            "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/a/b/small-1.0.pom (2.1 kB at 20 kB/s)",
            "\u001b[1;34m[INFO]\u001b[m Building fm-api: the backend-neutral types 0.1.0-SNAPSHOT [2/3]",
            "[INFO] Building jar: /somewhere/fm-api/target/fm-api-0.1.0-SNAPSHOT.jar",
            "[INFO] Building fm-examples: the fm command line 0.1.0-SNAPSHOT [3/3]",
            "[INFO] \u001b[1mBUILD SUCCESS\u001b[m",
            "\u001b[0m\u001b[0m");

    @TempDir
    Path dir;

    private Path launcherCopy(int mavenExit) throws IOException {
        Path root = dir.resolve("project");
        Files.createDirectories(root);
        Files.copy(Path.of("..", "fm"), root.resolve("fm"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("maven-output.txt"), MAVEN_OUTPUT + "\n");
        script(bin.resolve("mvn"), "cat '" + dir.resolve("maven-output.txt") + "'\nexit " + mavenExit);
        script(bin.resolve("java"), "echo \"java $*\"");
        return root;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path root, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(root.resolve("fm").toString());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", dir.toString());
        pb.redirectOutput(dir.resolve("stdout.txt").toFile());
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void firstBuildShowsOneLinePerModuleWithoutEscapeCodes() throws Exception {
        Run run = run(launcherCopy(0), "--help");
        assertThat(run.err()).doesNotContain("\u001b");
        assertThat(run.err()).contains("fm: building the project with Maven")
                .contains("fm: build [1/3] fm-jvm").contains("fm: build [2/3] fm-api")
                .contains("fm: build [3/3] fm-examples")
                .contains("fm:   downloaded big-1.0.jar (214 MB)")
                .doesNotContain("small-1.0.pom")
                .doesNotContain("Building jar")
                .containsPattern("fm: built in \\d+s, 2 files downloaded");
        // then the command itself runs, with the arguments passed through
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("org.fmjvm.examples.cli.FmCommand --help");
    }

    @Test
    void failedBuildSaysWhereTheFullLogIs() throws Exception {
        Run run = run(launcherCopy(1), "demo");
        assertThat(run.exit()).isNotZero();
        assertThat(run.out()).as("the command does not run").isEmpty();
        assertThat(run.err()).doesNotContain("\u001b").contains("fm: the build failed; Maven's full output is in");
        String log = run.err().substring(run.err().indexOf("output is in ") + "output is in ".length()).strip();
        assertThat(Path.of(log)).exists();
        assertThat(Files.readString(Path.of(log))).contains("Building fm-api");
    }
}
