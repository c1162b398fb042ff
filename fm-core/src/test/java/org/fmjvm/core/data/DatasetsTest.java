package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.google.inject.Binder;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.UnknownComponentException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.FmBinders;
import org.fmjvm.api.spi.FmModule;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.plugin.CoreModule;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path dir;

    @Test
    void byNameFindsEachBuiltInAndIgnoresCaseAndSpaces() {
        assertThat(Datasets.byName("four-gaussians")).isInstanceOf(GaussianMixture.class);
        assertThat(Datasets.byName(" Moons ")).isInstanceOf(Moons.class);
        assertThat(Datasets.byName("checkerboard")).isInstanceOf(Checkerboard.class);
        assertThat(Datasets.byName("two-spirals")).isInstanceOf(TwoSpirals.class);
        assertThat(Datasets.byName("circles")).isInstanceOf(Circles.class);
        assertThat(((GaussianMixture) Datasets.byName("eight-gaussians")).components()).isEqualTo(8);
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Datasets.byName("moon"))
                .isInstanceOf(UnknownComponentException.class)
                .hasMessage("Unknown dataset 'moon'; known: [checkerboard, circles, eight-gaussians, four-gaussians, "
                        + "moons, two-spirals]")
                .satisfies(e -> assertThat(((UnknownComponentException) e).known()).isEqualTo(Datasets.names()));
        assertThatThrownBy(() -> Datasets.resolve("sprials")).isInstanceOf(UnknownComponentException.class);
    }

    @Test
    void resolveLoadsCsvPathsAndExistingFilesAndElseNames() throws IOException {
        Path csv = dir.resolve("pts.csv");
        Files.writeString(csv, "1,2\n3,4\n");
        Dataset d = Datasets.resolve(csv.toString());
        assertThat(d).isInstanceOf(CsvDataset.class);
        assertThat(d.dim()).isEqualTo(2);
        assertThat(d.name()).isEqualTo(csv.toString());

        Path noExt = dir.resolve("points");
        Files.writeString(noExt, "1,2,3\n");
        assertThat(Datasets.resolve(noExt.toString()).dim()).isEqualTo(3);

        assertThat(Datasets.resolve("moons")).isInstanceOf(Moons.class);
        assertThatThrownBy(() -> Datasets.resolve(dir.resolve("missing.CSV").toString()))
                .isInstanceOf(DataException.class).hasMessageContaining("missing.CSV does not exist");
    }

    @Test
    void aDirectoryIsNamedAsOneWithWhatIsExpectedInstead() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("points"));
        assertThatThrownBy(() -> Datasets.resolve(folder.toString())).isInstanceOf(DataException.class)
                .hasMessage("'" + folder + "' is a directory; expected the name of a data set " + Datasets.names()
                        + " or a CSV file of points, one per line");
        assertThatThrownBy(() -> Datasets.source(folder.toString(), 2)).isInstanceOf(DataException.class)
                .hasMessageContaining("is a directory");
        Path csvNamed = Files.createDirectory(dir.resolve("table.csv"));
        assertThatThrownBy(() -> Datasets.resolve(csvNamed.toString())).isInstanceOf(DataException.class)
                .hasMessageContaining("is a directory, not a CSV file");
    }

    // ------------------------------------------------------------------ data sets as plugins

    /** A data set a plugin adds: points on a circle of a given radius, uniform in angle. */
    private static final class Ring implements Dataset {
        private final double radius;

        Ring(double radius) {
            this.radius = radius;
        }

        @Override
        public String name() {
            return "ring";
        }

        @Override
        public int dim() {
            return 2;
        }

        @Override
        public float[] sample(int n, Rng rng) {
            float[] out = new float[2 * n];
            for (int i = 0; i < n; i++) {
                double a = 2 * Math.PI * rng.nextDouble();
                out[2 * i] = (float) (radius * Math.cos(a));
                out[2 * i + 1] = (float) (radius * Math.sin(a));
            }
            return out;
        }

        @Override
        public Optional<LogDensity> logDensity() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "ring: a circle of radius " + radius;
        }
    }

    private static final FmModule RING = (Binder binder) -> FmBinders.datasets(binder).add(ComponentFactory.of("ring",
            "points on a circle", List.of(ParamSpec.number("radius", 1, "the circle's radius, > 0")),
            params -> new Ring(params.positive("radius"))));

    @Test
    void theBuiltInsAreRegisteredByTheCoreModuleAndFoundThroughTheDiscoveredPlugins() {
        PluginRegistry registry = Plugins.discover();
        assertThat(Datasets.names(registry)).isEqualTo(Datasets.names()).containsExactly("checkerboard", "circles",
                "eight-gaussians", "four-gaussians", "moons", "two-spirals");
        assertThat(registry.origin(ComponentKind.DATASET, "moons")).startsWith(CoreModule.class.getName() + " (");
        assertThat(registry.factory(ComponentKind.DATASET, "moons").description())
                .isEqualTo("two interleaved half circles of radius 2, noise std 0.2 (FFJORD scaling)");
        assertThat(Datasets.byName(registry, "Moons").describe()).isEqualTo(new Moons().describe());
    }

    @Test
    void aDataSetFromAPluginResolvesByNameWithItsParameters() {
        PluginRegistry registry = Plugins.fromModules(List.of(new CoreModule(), RING));
        assertThat(Datasets.names(registry)).contains("ring", "moons");
        Dataset ring = Datasets.resolve(registry, " RING ");
        assertThat(ring).isInstanceOf(Ring.class);
        float[] xs = ring.sample(100, Rng.seeded(3));
        for (int i = 0; i < 100; i++) {
            assertThat(Math.hypot(xs[2 * i], xs[2 * i + 1])).isCloseTo(1.0, within(1e-6));
        }
        Dataset wide = registry.select(ComponentKind.DATASET,
                ComponentChoice.parse("ring", List.of("radius=3"), "--dataset-param")).create();
        float[] p = wide.sample(1, Rng.seeded(3));
        assertThat(Math.hypot(p[0], p[1])).isCloseTo(3.0, within(1e-5));
        assertThat(Datasets.source(registry, "ring", 2)).isInstanceOf(Ring.class);
        assertThatThrownBy(() -> Datasets.byName(registry, "rings")).isInstanceOf(UnknownComponentException.class)
                .hasMessage("Unknown dataset 'rings'; known: [checkerboard, circles, eight-gaussians, four-gaussians,"
                        + " moons, ring, two-spirals]");
        // without the plugin the name is unknown, listing what is there
        assertThatThrownBy(() -> Datasets.resolve(Plugins.fromModules(List.of(new CoreModule())), "ring"))
                .isInstanceOf(UnknownComponentException.class).hasMessageStartingWith("Unknown dataset 'ring'; known: [");
    }

    @Test
    void aFileNamedLikeAPluginDataSetIsStillReadWhenItEndsInCsv() throws IOException {
        PluginRegistry registry = Plugins.fromModules(List.of(new CoreModule(), RING));
        Path csv = Files.writeString(dir.resolve("ring.csv"), "1,2\n3,4\n");
        assertThat(Datasets.resolve(registry, csv.toString())).isInstanceOf(CsvDataset.class);
        Path folder = Files.createDirectory(dir.resolve("pts"));
        assertThatThrownBy(() -> Datasets.resolve(registry, folder.toString())).isInstanceOf(DataException.class)
                .hasMessageContaining("expected the name of a data set [checkerboard, circles, eight-gaussians,"
                        + " four-gaussians, moons, ring, two-spirals] or a CSV file");
    }
}
