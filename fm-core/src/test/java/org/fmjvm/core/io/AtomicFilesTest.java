package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesBytesAndTextAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        AtomicFiles.writeString(f, "héllo\n");
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("héllo\n");
        assertThat(listing()).containsExactly("a.bin");
    }

    @Test
    void writesThroughACallbackEvenIfItClosesTheStream() throws IOException {
        Path f = dir.resolve("c.txt");
        AtomicFiles.write(f, out -> {
            out.write("part one, ".getBytes(StandardCharsets.UTF_8));
            out.write("part two".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertThat(Files.readString(f)).isEqualTo("part one, part two");
        assertThat(listing()).containsExactly("c.txt");
    }

    @Test
    void aFailingCallbackKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
        Path f = dir.resolve("keep.txt");
        AtomicFiles.writeString(f, "old contents");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]); // more than the buffer: some bytes reach the temporary file
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(IOException.class).hasMessage("disk full (simulated)");
        assertThat(Files.readString(f)).isEqualTo("old contents");
        assertThat(listing()).containsExactly("keep.txt");

        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the writer");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(f)).isEqualTo("old contents");
        assertThat(listing()).containsExactly("keep.txt");
    }

    @Test
    void aFailedWriteOfANewFileLeavesNothing() {
        Path f = dir.resolve("new.txt");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            throw new IOException("nope");
        })).isInstanceOf(IOException.class);
        assertThat(Files.exists(f)).isFalse();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path f = dir.resolve("x/y/z.txt");
        AtomicFiles.writeString(f, "deep");
        assertThat(Files.readString(f)).isEqualTo("deep");
        assertThat(dir.resolve("x/y").toFile().list()).containsExactly("z.txt");
    }

    @Test
    void refusesToReplaceADirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFiles.writeString(sub, "x")).isInstanceOf(IOException.class)
                .hasMessageContaining("is a directory");
        assertThat(listing()).containsExactly("sub");
    }
}
