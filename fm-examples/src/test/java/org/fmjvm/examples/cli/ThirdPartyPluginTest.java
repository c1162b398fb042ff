package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;
import org.fmjvm.examples.plugin.ThirdPartyDataModule;
import org.fmjvm.examples.plugin.ThirdPartyDataModule.PointTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set and a component kind added by a plugin that fm-core does not know
 * ({@link ThirdPartyDataModule}, found through this module's test services file): found by name
 * through the same discovery as every built-in, listed by {@code fm list}, and trained on by
 * {@code fm train --dataset}.
 */
class ThirdPartyPluginTest {

    private static final String MODULE = ThirdPartyDataModule.class.getName();

    @TempDir
    Path dir;

    @Test
    void theDiscoveredRegistryHoldsThePluginsDataSetAndKind() {
        PluginRegistry registry = Plugins.discover();
        assertThat(Datasets.names(registry)).contains("offset-gaussian", "four-gaussians");
        assertThat(registry.origin(ComponentKind.DATASET, "offset-gaussian")).startsWith(MODULE + " (");
        assertThat(registry.kinds()).endsWith(ThirdPartyDataModule.POINT_TRANSFORM);

        Dataset byDefault = Datasets.resolve("offset-gaussian");
        assertThat(mean(byDefault.sample(20_000, Rng.seeded(1)))).containsExactly(new double[] {4, 4}, within(0.02));
        Dataset moved = registry.select(ComponentKind.DATASET,
                ComponentChoice.parse("offset-gaussian", List.of("mean=-2", "std=0.1"), "--dataset-param")).create();
        assertThat(mean(moved.sample(20_000, Rng.seeded(1)))).containsExactly(new double[] {-2, -2}, within(0.01));

        PointTransform swap = registry.select(ThirdPartyDataModule.POINT_TRANSFORM, ComponentChoice.of("swap-axes"))
                .create();
        assertThat(swap.apply(new float[] {1, 2, 3, 4, 5, 6}, 3)).containsExactly(2, 1, 3, 5, 4, 6);
    }

    @Test
    void fmListShowsThePluginsDataSetAndItsKind() {
        CliRun run = CliRun.of("list");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String out = run.out();
        assertThat(out).contains("datasets (or a FILE.csv of points, one per line):", "  offset-gaussian ",
                "mean=4.0 (number): each coordinate of the centre", "point-transforms:", "  swap-axes ",
                "from " + MODULE + " (test-classes)");
        // the plugin's kind comes after every built-in kind
        assertThat(out.indexOf("point-transforms:")).isGreaterThan(out.indexOf("datasets ("));
    }

    @Test
    void fmTrainsOnThePluginsDataSetByName() throws IOException {
        Path ck = dir.resolve("ck");
        CliRun train = CliRun.of("train", "--dataset", "offset-gaussian", "--out", ck.toString(), "--steps", "400",
                "--batch", "128", "--hidden", "32,32", "--lr", "1e-2", "--seed", "5");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("data: offset-gaussian: N((4.0, 4.0), 0.5^2 I)");
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("data").asText()).isEqualTo("offset-gaussian");

        Path samples = dir.resolve("samples.csv");
        CliRun sample = CliRun.of("sample", "--checkpoint", ck.toString(), "--n", "2000", "--ode-steps", "20",
                "--out", samples.toString());
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        // the source N(0, I) is centred at the origin: samples centred near (4, 4) show the flow was learnt
        PointsCsv.Points points = PointsCsv.read(samples);
        assertThat(mean(points.points())).containsExactly(new double[] {4, 4}, within(0.2));
    }

    private static double[] mean(float[] xy) {
        double[] m = new double[2];
        int n = xy.length / 2;
        for (int i = 0; i < n; i++) {
            m[0] += xy[2 * i] / (double) n;
            m[1] += xy[2 * i + 1] / (double) n;
        }
        return m;
    }
}
