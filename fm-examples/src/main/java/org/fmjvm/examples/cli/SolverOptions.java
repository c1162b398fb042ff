package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;

import picocli.CommandLine.Option;

/** The ODE solver of the commands that sample ({@code demo}, {@code sample}), chosen by name. */
final class SolverOptions {

    @Option(names = "--solver", paramLabel = "NAME", defaultValue = FmConfig.DEFAULT_SOLVER,
            description = "ODE solver for sampling (default: ${DEFAULT-VALUE}; see fm list).")
    String solver;

    @Option(names = "--solver-param", paramLabel = "KEY=VALUE", description = "Solver parameter, repeatable.")
    List<String> solverParams = new ArrayList<>();

    /** @return the chosen solver with its parameters */
    ComponentChoice choice() {
        return ComponentChoice.parse(solver, solverParams, "--solver-param");
    }
}
