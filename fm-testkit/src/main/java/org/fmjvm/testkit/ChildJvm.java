package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a child JVM, for tests about process-wide
 * native state that a fresh process must start from: which libraries discovery loads, a thread
 * pool that the first backend of a process sizes (TensorFlow's intra-op pool), a native library
 * loaded once per process. The child inherits this JVM's class path and environment (under Maven,
 * the surefire configuration's, e.g. {@code TF_CPP_MIN_LOG_LEVEL=2}) and reports by printing lines
 * that start with {@code result }.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param main the class to run; it must be on this JVM's class path and have a public
     *     {@code main}
     * @param args its arguments
     * @return the lines it printed to stdout that start with {@code result }, stripped
     * @throws IOException if the child cannot be started
     * @throws InterruptedException if interrupted while waiting for it
     * @throws AssertionError if it exits with a non-zero code (showing its output) or takes more
     *     than two minutes
     */
    public static List<String> results(Class<?> main, String... args) throws IOException, InterruptedException {
        return results(Map.of(), main, args);
    }

    /**
     * @param environment variables to set in the child's environment on top of this JVM's, e.g. an
     *     instruction-set limit that native libraries read when they load
     * @param main the class to run; it must be on this JVM's class path and have a public
     *     {@code main}
     * @param args its arguments
     * @return the lines it printed to stdout that start with {@code result }, stripped
     * @throws IOException if the child cannot be started
     * @throws InterruptedException if interrupted while waiting for it
     * @throws AssertionError if it exits with a non-zero code (showing its output) or takes more
     *     than two minutes
     */
    public static List<String> results(Map<String, String> environment, Class<?> main, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = processBuilder(main, args);
        pb.environment().putAll(environment);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("child exit code; output:%n%s", text).isZero();
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("result ")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    /**
     * The command line {@link #results} runs, for a test that must control the child itself (kill it,
     * read its output as it comes): this JVM's {@code java} binary and class path, then the class and
     * its arguments. The caller starts the process and must end it.
     *
     * @param main the class to run; it must be on this JVM's class path and have a public
     *     {@code main}
     * @param args its arguments
     * @return a builder for the child, inheriting this JVM's environment
     */
    public static ProcessBuilder processBuilder(Class<?> main, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
