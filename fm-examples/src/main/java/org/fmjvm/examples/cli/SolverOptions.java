package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;

import picocli.CommandLine.Option;

/** The ODE solver of the commands that sample ({@code demo}, {@code sample}), chosen by name. */
final class SolverOptions {

    @Option(names = "--solver", paramLabel = "NAME",
            description = "ODE solver (default: " + FmConfig.DEFAULT_SOLVER + " for sampling, rk4 for fm likelihood;"
                    + " see fm list).")
    String solver;

    @Option(names = "--solver-param", paramLabel = "KEY=VALUE", description = "Solver parameter, repeatable.")
    List<String> solverParams = new ArrayList<>();

    /** @return the chosen solver with its parameters, {@value FmConfig#DEFAULT_SOLVER} unless chosen */
    ComponentChoice choice() {
        return choice(FmConfig.DEFAULT_SOLVER);
    }

    /**
     * @param byDefault the command's solver when none is chosen
     * @return the chosen solver with its parameters
     */
    ComponentChoice choice(String byDefault) {
        return ComponentChoice.parse(solver != null ? solver : byDefault, solverParams, "--solver-param");
    }
}
