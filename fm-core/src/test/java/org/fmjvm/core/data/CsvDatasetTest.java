package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path p = dir.resolve("points.csv");
        Files.writeString(p, text);
        return p;
    }

    private void assertFails(String text, String... fragments) throws IOException {
        Path p = file(text);
        assertThatThrownBy(() -> CsvDataset.load(p)).isInstanceOf(DataException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains(fragments);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void readsPointsSkippingCommentsBlankLinesAndAHeader() throws IOException {
        CsvDataset d = CsvDataset.load(file("# generated points\n x , y \n\n1.5, -2\n  # a comment\n"
                + "3e-2,4.25E+1\r\n.5,-0.\n"));
        assertThat(d.dim()).isEqualTo(2);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.points()).containsExactly(1.5f, -2f, 0.03f, 42.5f, 0.5f, -0f);
        assertThat(d.columnNames()).isEqualTo(List.of("x", "y"));
        assertThat(d.logDensity()).isEmpty();
        assertThat(d.describe()).contains("3 points in 2D", "columns x, y");
    }

    @Test
    void readsAFileWithoutHeaderAndAByteOrderMark() throws IOException {
        CsvDataset d = CsvDataset.load(file("\uFEFF1,2,3\n4,5,6"));
        assertThat(d.dim()).isEqualTo(3);
        assertThat(d.points()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(d.columnNames()).isEmpty();
    }

    @Test
    void samplesRowsUniformlyWithReplacement() throws IOException {
        CsvDataset d = CsvDataset.load(file("0,10\n1,11\n2,12\n3,13\n"));
        int n = 40_000;
        float[] s = d.sample(n, Rng.seeded(7));
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            int row = (int) s[2 * i];
            assertThat(s[2 * i + 1]).isEqualTo(10 + row); // whole rows are copied
            counts[row]++;
        }
        for (int c : counts) {
            assertThat((double) c / n).isCloseTo(0.25, within(5 * Math.sqrt(0.25 * 0.75 / n)));
        }
        assertThat(d.sample(100, Rng.seeded(1))).containsExactly(d.sample(100, Rng.seeded(1)));
    }

    @Test
    void aNonNumericFieldNamesTheLineAndField() throws IOException {
        assertFails("1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,abc\n",
                "points.csv line 7, field 2: 'abc' is not a number");
    }

    @Test
    void aMixedFirstLineIsNotAHeader() throws IOException {
        assertFails("x,2\n1,2\n", "line 1, field 1: 'x' is not a number", "a header line must contain only names");
    }

    @Test
    void aRaggedLineNamesTheExpectedCount() throws IOException {
        assertFails("1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n1,2,3\n", "points.csv line 7 has 3 fields, expected 2 like line 1");
        assertFails("# c\nx,y\n1,2\n3\n", "points.csv line 4 has 1 field, expected 2 like line 2");
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        assertFails("1,2\n3,4\n5,6\n7,8\n9,10\n11,12\nNaN,1\n", "points.csv line 7, field 1 is NaN; remove or impute it");
        assertFails("1,2\n-inf,1\n", "points.csv line 2, field 1 is -Infinity; remove or impute it");
        assertFails("1,Infinity\n", "points.csv line 1, field 2 is Infinity; remove or impute it");
        assertFails("1,1e39\n", "line 1, field 2: '1e39' is outside the float32 range");
    }

    @Test
    void emptyFieldsAreRejected() throws IOException {
        assertFails("1,2\n3,\n", "points.csv line 2, field 2 is empty");
        assertFails("1,,2\n", "line 1, field 2 is empty");
    }

    @Test
    void hexAndSuffixedNumbersAreNotAccepted() throws IOException {
        assertFails("0x1p3,1\n", "'0x1p3' is not a number");
        assertFails("1f,1\n", "'1f' is not a number");
    }

    @Test
    void anEmptyFileOrAHeaderOnlyIsRejected() throws IOException {
        assertFails("", "points.csv is empty", "one point per line");
        assertFails("# only a comment\n\n", "points.csv is empty");
        assertFails("x,y\n", "points.csv has a header but no data lines");
    }

    @Test
    void missingAndUnreadableFilesAreRejected() throws IOException {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvDataset.load(missing)).isInstanceOf(DataException.class)
                .hasMessageContaining("nope.csv does not exist");
        assertThatThrownBy(() -> CsvDataset.load(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("is a directory");
        Path binary = dir.resolve("binary.csv");
        Files.write(binary, new byte[] {'1', ',', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> CsvDataset.load(binary)).isInstanceOf(DataException.class)
                .hasMessageContaining("cannot read").hasMessageContaining("binary.csv").hasMessageContaining("UTF-8");
    }

    @Test
    void requireDimExplainsAMismatch() throws IOException {
        CsvDataset d = CsvDataset.load(file("1,2,3\n"));
        assertThat(d.requireDim(3, "the checkpoint's model")).isSameAs(d);
        assertThatThrownBy(() -> d.requireDim(2, "the checkpoint's model")).isInstanceOf(DataException.class)
                .hasMessageStartingWith(dir.resolve("points.csv") + " has 3 columns but the checkpoint's model has "
                        + "dimension 2");
    }
}
