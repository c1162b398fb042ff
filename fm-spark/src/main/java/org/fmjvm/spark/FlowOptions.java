package org.fmjvm.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FmConfig;

/**
 * How the executors run a checkpoint: the backend and solver chosen by name (with their parameters)
 * and the solver's step count and tolerances. Sent to the executors with each task.
 *
 * @param backend the backend's name ({@code djl}, {@code tf}), or {@code null} for the highest-ranked
 * @param backendParams the backend's parameters, e.g. {@code threads=1}
 * @param solver the solver's name, e.g. {@code euler}, {@code rk4}
 * @param solverParams the solver's parameters
 * @param odeSteps steps of a fixed-step solver, {@code >= 1}
 * @param rtol relative tolerance of an adaptive solver, {@code > 0}
 * @param atol absolute tolerance of an adaptive solver, {@code > 0}
 */
public record FlowOptions(String backend, Map<String, String> backendParams, String solver,
        Map<String, String> solverParams, int odeSteps, double rtol, double atol) implements Serializable {

    /** Checks the values and copies the maps (as serialisable {@link LinkedHashMap}s). */
    public FlowOptions {
        Objects.requireNonNull(solver, "solver");
        backendParams = new LinkedHashMap<>(Objects.requireNonNull(backendParams, "backendParams"));
        solverParams = new LinkedHashMap<>(Objects.requireNonNull(solverParams, "solverParams"));
        if (odeSteps < 1) {
            throw new ConfigurationException("--ode-steps must be >= 1, got " + odeSteps);
        }
        if (!(rtol > 0) || !(atol > 0)) {
            throw new ConfigurationException("--rtol and --atol must be > 0, got " + rtol + " and " + atol);
        }
    }

    /** @return {@code fm sample}'s defaults: the default backend, Euler with 100 steps */
    public static FlowOptions sampling() {
        return new FlowOptions(null, Map.of(), "euler", Map.of(), 100, 1e-5, 1e-5);
    }

    /** @return {@code fm likelihood}'s defaults: the default backend, rk4 with 20 steps */
    public static FlowOptions scoring() {
        return new FlowOptions(null, Map.of(), "rk4", Map.of(), 20, 1e-5, 1e-5);
    }

    /**
     * @param name the backend's name, or {@code null} for the default
     * @return these options on that backend (with no backend parameters)
     */
    public FlowOptions withBackend(String name) {
        return new FlowOptions(name, Map.of(), solver, solverParams, odeSteps, rtol, atol);
    }

    /**
     * @param name the solver's name
     * @param steps its step count
     * @return these options with that solver (and no solver parameters)
     */
    public FlowOptions withSolver(String name, int steps) {
        return new FlowOptions(backend, backendParams, name, Map.of(), steps, rtol, atol);
    }

    /** @return the runtime configuration these options choose */
    FmConfig config() {
        return FmConfig.defaults().withBackend(new ComponentChoice(backend, backendParams))
                .withSolver(new ComponentChoice(solver, solverParams));
    }

    /** @return the integration's steps and tolerances */
    SolveOptions solve() {
        return SolveOptions.steps(odeSteps).withTolerances(atol, rtol);
    }
}
