package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing points block by block gives the file of writing them at once, or no file at all. */
class PointsCsvStreamTest {

    @TempDir
    Path dir;

    @Test
    void blocksGiveTheSameBytesAsOneArray() throws IOException {
        float[] points = Rng.seeded(3).normals(3 * 1000);
        Path whole = dir.resolve("whole.csv");
        Path blocks = dir.resolve("blocks.csv");
        PointsCsv.write(whole, points, 3, List.of("a", "b", "c"));
        long rows = PointsCsv.write(blocks, List.of(Arrays.copyOfRange(points, 0, 3 * 400),
                Arrays.copyOfRange(points, 3 * 400, 3 * 401), Arrays.copyOfRange(points, 3 * 401, 3 * 1000)).iterator(),
                3, List.of("a", "b", "c"));
        assertThat(rows).isEqualTo(1000);
        assertThat(Files.readAllBytes(blocks)).isEqualTo(Files.readAllBytes(whole));
    }

    @Test
    void aBadValueInALaterBlockNamesItsRowInTheFileAndLeavesNothingBehind() throws IOException {
        Path out = dir.resolve("s.csv");
        float[] bad = {1, 2, Float.NaN, 4};
        assertThatThrownBy(() -> PointsCsv.write(out, List.of(new float[] {0, 0, 1, 1, 2, 2}, bad).iterator(), 2,
                List.of())).isInstanceOf(DataException.class).hasMessageContaining("point 5, coordinate 1 is NaN");
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
