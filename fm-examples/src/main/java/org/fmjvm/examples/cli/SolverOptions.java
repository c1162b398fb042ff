package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.plugin.PluginRegistry;

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
     * Adds tolerances to an adaptive solver's choice: {@code rtol} and {@code atol} when the solver
     * declares them as parameters and the choice does not set them already (a solver's own
     * parameters take precedence over the tolerances a solve passes).
     *
     * @param registry the plugins
     * @param choice a solver choice
     * @param rtol relative tolerance
     * @param atol absolute tolerance
     * @return the choice with the tolerances it lacked, or unchanged for a fixed-step solver
     */
    static ComponentChoice withTolerances(PluginRegistry registry, ComponentChoice choice, double rtol, double atol) {
        Map<String, String> params = new LinkedHashMap<>(choice.params());
        for (ComponentFactory<OdeSolver> f : registry.factories(ComponentKind.SOLVER)) {
            if (f.name().equals(choice.name())) {
                for (ParamSpec p : f.parameters()) {
                    if (p.name().equals("rtol")) {
                        params.putIfAbsent("rtol", Double.toString(rtol));
                    } else if (p.name().equals("atol")) {
                        params.putIfAbsent("atol", Double.toString(atol));
                    }
                }
            }
        }
        return new ComponentChoice(choice.name(), params);
    }

    /**
     * @param registry the plugins
     * @param name a solver's name
     * @return whether the solver chooses its own steps (it declares an {@code rtol} parameter)
     */
    static boolean isAdaptive(PluginRegistry registry, String name) {
        return registry.factories(ComponentKind.SOLVER).stream().filter(f -> f.name().equals(name))
                .anyMatch(f -> f.parameters().stream().anyMatch(p -> p.name().equals("rtol")));
    }

    /**
     * @param byDefault the command's solver when none is chosen
     * @return the chosen solver with its parameters
     */
    ComponentChoice choice(String byDefault) {
        return ComponentChoice.parse(solver != null ? solver : byDefault, solverParams, "--solver-param");
    }
}
