package org.fmjvm.examples.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.plugin.Plugins;
import org.junit.jupiter.api.Test;

/**
 * A backend is picked by adding its module to the class path: with one backend on it, that one is
 * chosen without any configuration; with both, the highest rank wins unless one is named.
 */
class BackendSelectionTest {

    private static final Predicate<String> TF_JARS = e -> e.contains("fm-backend-tf") || e.contains("tensorflow");
    private static final Predicate<String> DJL_JARS = e -> e.contains("fm-backend-djl") || e.contains("ai/djl")
            || e.contains("pytorch");

    private static String run(Predicate<String> without) throws IOException, InterruptedException {
        List<String> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(without.negate()).collect(Collectors.toList());
        assertThat(entries).as("the test class path").anyMatch(e -> e.contains("fm-core"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp",
                String.join(File.pathSeparator, entries), PrintDefaultBackend.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void withOnlyDjlOnTheClassPathDjlIsChosen() throws Exception {
        assertThat(run(TF_JARS)).contains("backend=djl sum=12.0");
    }

    @Test
    void withOnlyTensorFlowOnTheClassPathTfIsChosen() throws Exception {
        assertThat(run(DJL_JARS)).contains("backend=tf sum=12.0");
    }

    @Test
    void withBothTheHigherRankIsTheDefaultAndEitherCanBeNamed() {
        var registry = Plugins.discover();
        assertThat(registry.names(ComponentKind.BACKEND)).contains("djl", "tf");
        assertThat(registry.preferred(ComponentKind.BACKEND).name()).isEqualTo("djl");
    }
}
