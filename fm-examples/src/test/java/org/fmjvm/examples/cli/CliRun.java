package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import picocli.CommandLine;

/** Runs the fm command line in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FmCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** @return the error output's lines */
    String[] errLines() {
        return err.strip().isEmpty() ? new String[0] : err.strip().split("\\R");
    }

    /**
     * Trains the small checkpoint the bad-input tests read (four Gaussians, 20 steps).
     *
     * @param dir where to write it
     * @return {@code dir}
     */
    static Path smallCheckpoint(Path dir) {
        CliRun run = of("train", "--dataset", "four-gaussians", "--out", dir.toString(), "--steps", "20", "--batch",
                "32", "--hidden", "16,16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return dir;
    }

    /**
     * Asserts a failed run: a non-zero exit code and one line on standard error, {@code fm: ...}
     * without a stack trace, containing every fragment.
     *
     * @param fragments what the line must name
     */
    void assertOneLineError(String... fragments) {
        assertThat(exitCode).as("exit code; output %s", out).isNotZero();
        assertThat(errLines()).as("error output: %s", err).hasSize(1);
        assertThat(errLines()[0]).startsWith("fm: ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(errLines()[0]).contains(f);
        }
    }
}
