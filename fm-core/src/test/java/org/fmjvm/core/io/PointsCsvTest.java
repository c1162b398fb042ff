package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointsCsvTest {

    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExact() {
        Rng rng = Rng.seeded(42);
        int n = 5000;
        int dim = 3;
        float[] x = new float[n * dim];
        for (int i = 0; i < x.length; i++) {
            // a wide range of magnitudes, signs and bit patterns
            x[i] = Float.intBitsToFloat((int) rng.nextLong());
            if (!Float.isFinite(x[i])) {
                x[i] = (float) rng.nextGaussian();
            }
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, 1e-45f, 0.1f, 1f / 3, 16777217f, 3.4028235e38f};
        System.arraycopy(special, 0, x, 0, special.length);
        Path f = dir.resolve("samples.csv");
        PointsCsv.write(f, x, dim);
        PointsCsv.Points p = PointsCsv.read(f);
        assertThat(p.n()).isEqualTo(n);
        assertThat(p.dim()).isEqualTo(dim);
        float[] back = p.points();
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).as("value %d (%s)", i, x[i])
                    .isEqualTo(Float.floatToRawIntBits(x[i]));
        }
        // and the file is what CsvDataset reads as a data set
        assertThat(CsvDataset.load(f).points()).isEqualTo(back);
    }

    @Test
    void writesOnePointPerLineInFloatToStringLayout() throws IOException {
        Path f = dir.resolve("out/two.csv");
        PointsCsv.write(f, new float[] {1f, -0.5f, 1e-7f, 3e10f}, 2);
        assertThat(Files.readString(f)).isEqualTo("1.0,-0.5\n1.0E-7,3.0E10\n");
        assertThat(dir.resolve("out").toFile().list()).containsExactly("two.csv");
    }

    @Test
    void textIsTheShortestThatRoundTrips() {
        assertThat(PointsCsv.toText(2.5e10f)).isEqualTo("2.5E10"); // JDK 17's Float.toString: 2.49999995E10
        assertThat(PointsCsv.toText(3e10f)).isEqualTo("3.0E10");
        assertThat(PointsCsv.toText(0.1f)).isEqualTo("0.1");
        assertThat(PointsCsv.toText(-1f / 3)).isEqualTo("-0.33333334");
        assertThat(PointsCsv.toText(100f)).isEqualTo("100.0");
        assertThat(PointsCsv.toText(1234567f)).isEqualTo("1234567.0");
        assertThat(PointsCsv.toText(1.5e7f)).isEqualTo("1.5E7");
        assertThat(PointsCsv.toText(0.00125f)).isEqualTo("0.00125");
        assertThat(PointsCsv.toText(1.25e-4f)).isEqualTo("1.25E-4");
        assertThat(PointsCsv.toText(Float.MIN_VALUE)).isEqualTo("1.0E-45"); // 1e-45 rounds to MIN_VALUE
        assertThat(PointsCsv.toText(-0f)).isEqualTo("-0.0");
        Rng rng = Rng.seeded(3);
        for (int i = 0; i < 20_000; i++) {
            float v = Float.intBitsToFloat((int) rng.nextLong());
            if (!Float.isFinite(v)) {
                continue;
            }
            String t = PointsCsv.toText(v);
            assertThat(Float.floatToRawIntBits(Float.parseFloat(t))).as(t).isEqualTo(Float.floatToRawIntBits(v));
            assertThat(t.length()).isLessThanOrEqualTo(Float.toString(v).length());
        }
    }

    @Test
    void nonFinitePointsAreRejectedBeforeAnythingIsWritten() throws IOException {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "old\n");
        assertThatThrownBy(() -> PointsCsv.write(f, new float[] {1, 2, 3, Float.NaN}, 2))
                .isInstanceOf(DataException.class).hasMessageContaining("point 2, coordinate 2 is NaN");
        assertThat(Files.readString(f)).isEqualTo("old\n");
    }

    @Test
    void readReportsParserErrorsWithTheLine() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "1.0,2.0\n3.0\n");
        assertThatThrownBy(() -> PointsCsv.read(f)).isInstanceOf(DataException.class)
                .hasMessageContaining("bad.csv line 2 has 1 field, expected 2 like line 1");
    }

    @Test
    void rejectsAnArrayThatIsNotAMultipleOfTheDimension() {
        assertThatThrownBy(() -> PointsCsv.write(dir.resolve("x.csv"), new float[5], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 2");
    }
}
