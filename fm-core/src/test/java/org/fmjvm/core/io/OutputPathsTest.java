package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output paths are checked before a run, by their nearest existing ancestor. */
class OutputPathsTest {

    @TempDir
    Path dir;

    @Test
    void newFilesAndFoldersUnderAWritableFolderPass() {
        assertThatCode(() -> {
            OutputPaths.requireWritableFile(dir.resolve("a/b/samples.csv"), "--out");
            OutputPaths.requireWritableFolder(dir.resolve("a/b/run"), "--out");
            OutputPaths.requireWritableFolder(dir, "--out");
        }).doesNotThrowAnyException();
    }

    @Test
    void aFileInThePathIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> OutputPaths.requireWritableFile(file.resolve("s.csv"), "--out"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--out " + file.resolve("s.csv") + " cannot be created: " + file
                        + " is a file, not a folder; choose another path");
        assertThatThrownBy(() -> OutputPaths.requireWritableFolder(file.resolve("deeper/run"), "--out"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(file + " is a file, not a folder");
        assertThatThrownBy(() -> OutputPaths.requireWritableFolder(file, "--out"))
                .isInstanceOf(ConfigurationException.class).hasMessage("--out " + file + " is a file; give a folder");
        assertThatThrownBy(() -> OutputPaths.requireWritableFile(dir, "--out"))
                .isInstanceOf(ConfigurationException.class).hasMessage("--out " + dir + " is a folder; give a file name");
    }

    @Test
    void aReadOnlyFolderIsNamed() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "permissions are not enforced for this user (root)");
            assertThatThrownBy(() -> OutputPaths.requireWritableFile(ro.resolve("s.csv"), "--out"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the folder " + ro + " is not writable");
            assertThatThrownBy(() -> OutputPaths.requireWritableFolder(ro.resolve("new/run"), "--out"))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(ro + " is not writable");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
