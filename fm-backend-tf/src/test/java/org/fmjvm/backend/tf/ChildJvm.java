package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a child JVM. TensorFlow keeps process-wide
 * state (its intra-op thread pool, its loaded libraries), so tests about that state need a fresh
 * process. Stateless.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param main the class to run
     * @param args its arguments
     * @return the lines it printed to stdout that start with {@code result }
     * @throws AssertionError if it fails or takes more than two minutes
     */
    static List<String> results(Class<?> main, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
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
}
