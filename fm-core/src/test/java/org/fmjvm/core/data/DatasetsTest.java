package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.UnknownComponentException;
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
                .hasMessage("'" + folder + "' is a directory; expected a built-in data set " + Datasets.names()
                        + " or a CSV file of points, one per line");
        assertThatThrownBy(() -> Datasets.source(folder.toString(), 2)).isInstanceOf(DataException.class)
                .hasMessageContaining("is a directory");
        Path csvNamed = Files.createDirectory(dir.resolve("table.csv"));
        assertThatThrownBy(() -> Datasets.resolve(csvNamed.toString())).isInstanceOf(DataException.class)
                .hasMessageContaining("is a directory, not a CSV file");
    }
}
