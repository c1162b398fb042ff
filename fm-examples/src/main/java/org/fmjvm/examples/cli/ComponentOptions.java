package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options choosing the components of a training run by name, shared by the subcommands that train.
 * The solver is not among them: only commands that sample take {@link SolverOptions}.
 */
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

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    /** @return the configuration these options describe, with the default solver */
    FmConfig config() {
        return new FmConfig(backend.choice(),
                ComponentChoice.parse(path, pathParams, "--path-param"),
                ComponentChoice.parse(coupling, couplingParams, "--coupling-param"),
                ComponentChoice.of(FmConfig.DEFAULT_SOLVER),
                ComponentChoice.parse(timeSampler, timeSamplerParams, "--time-sampler-param"), seed);
    }
}
