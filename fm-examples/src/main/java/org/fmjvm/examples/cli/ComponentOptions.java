package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options choosing the components of a run by name, shared by the subcommands. */
final class ComponentOptions {

    @Mixin
    BackendOptions backend = new BackendOptions();

    @Option(names = "--path", paramLabel = "NAME", defaultValue = FmConfig.DEFAULT_PATH,
            description = "Probability path (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--path-param", paramLabel = "KEY=VALUE", description = "Path parameter, repeatable.")
    List<String> pathParams = new ArrayList<>();

    @Option(names = "--coupling", paramLabel = "NAME", defaultValue = FmConfig.DEFAULT_COUPLING,
            description = "Coupling of source and data points (default: ${DEFAULT-VALUE}).")
    String coupling;

    @Option(names = "--coupling-param", paramLabel = "KEY=VALUE", description = "Coupling parameter, repeatable.")
    List<String> couplingParams = new ArrayList<>();

    @Option(names = "--time-sampler", paramLabel = "NAME", defaultValue = FmConfig.DEFAULT_TIME_SAMPLER,
            description = "Training-time sampler of t (default: ${DEFAULT-VALUE}).")
    String timeSampler;

    @Option(names = "--time-sampler-param", paramLabel = "KEY=VALUE", description = "Time-sampler parameter, repeatable.")
    List<String> timeSamplerParams = new ArrayList<>();

    @Option(names = "--solver", paramLabel = "NAME", defaultValue = FmConfig.DEFAULT_SOLVER,
            description = "ODE solver for sampling (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--solver-param", paramLabel = "KEY=VALUE", description = "Solver parameter, repeatable.")
    List<String> solverParams = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    /** @return the configuration these options describe */
    FmConfig config() {
        return new FmConfig(backend.choice(),
                ComponentChoice.parse(path, pathParams, "--path-param"),
                ComponentChoice.parse(coupling, couplingParams, "--coupling-param"),
                ComponentChoice.parse(solver, solverParams, "--solver-param"),
                ComponentChoice.parse(timeSampler, timeSamplerParams, "--time-sampler-param"), seed);
    }
}
