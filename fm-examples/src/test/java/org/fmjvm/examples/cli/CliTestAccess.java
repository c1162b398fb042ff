package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

/** Lets tests in other packages run the command line and insist that it succeeds. */
public final class CliTestAccess {

    private CliTestAccess() {
    }

    /**
     * @param args command-line arguments
     * @return standard output
     */
    public static String run(String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as("fm %s failed: %s", String.join(" ", args), run.err()).isZero();
        return run.out();
    }
}
