package org.fmjvm.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;

/**
 * The entry point:
 *
 * <pre>{@code
 * try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(7))) {
 *     Dataset data = Datasets.byName("four-gaussians");
 *     try (TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e-3))) {
 *         fm.trainer(data).train(model, new TrainingConfig(5000, 256), List.of());
 *         float[] samples = fm.sampler(model).generate(10_000, SolveOptions.steps(100), fm.rng().split("sample"));
 *     }
 * }
 * }</pre>
 */
public final class FlowMatching {

    private FlowMatching() {
    }

    /**
     * Discovers every plugin on the class path, checks every configured name and parameter, creates
     * the components, checks that the path and coupling fit together ({@code gaussian-ot} needs
     * {@code independent} pairs; {@code schrodinger-bridge} needs {@code brownian-bridge} with the
     * same {@code sigma}) and finally opens the backend (the only step that loads native code). An
     * unknown name or a misfit fails before any native library loads.
     *
     * @param config the components by name, and the seed
     * @return the runtime; close it when done
     */
    public static FmRuntime bootstrap(FmConfig config) {
        return bootstrap(config, Plugins.discover());
    }

    /**
     * @param config the components by name, and the seed
     * @param registry the plugins to choose from
     * @return the runtime; close it when done
     */
    public static FmRuntime bootstrap(FmConfig config, PluginRegistry registry) {
        PluginRegistry.Selection<Backend> backend = registry.select(ComponentKind.BACKEND, config.backend());
        PluginRegistry.Selection<ProbabilityPath> path = registry.select(ComponentKind.PATH, config.path());
        PluginRegistry.Selection<Coupling> coupling = registry.select(ComponentKind.COUPLING, config.coupling());
        PluginRegistry.Selection<OdeSolver> solver = registry.select(ComponentKind.SOLVER, config.solver());
        PluginRegistry.Selection<TimeSampler> time = registry.select(ComponentKind.TIME_SAMPLER, config.timeSampler());
        ProbabilityPath p = path.create();
        Coupling c = coupling.create();
        OdeSolver s = solver.create();
        TimeSampler ts = time.create();
        checkPathFitsCoupling(path, coupling);
        Map<String, PluginRegistry.Selection<?>> selections = new LinkedHashMap<>();
        for (PluginRegistry.Selection<?> sel : List.of(backend, path, coupling, solver, time)) {
            selections.put(sel.kind().id(), sel);
        }
        Backend b = backend.create();
        return new FmRuntime(config, registry, selections, b, p, c, s, ts);
    }

    /**
     * Rejects path and coupling pairs whose assumptions contradict each other: {@code gaussian-ot}
     * assumes independent pairs (its marginal path starts at the N(0, I) source around each data
     * point), and {@code schrodinger-bridge} is the static bridge of the {@code brownian-bridge}
     * path with the same {@code sigma}. Runs before the backend opens.
     */
    static void checkPathFitsCoupling(PluginRegistry.Selection<ProbabilityPath> path,
            PluginRegistry.Selection<Coupling> coupling) {
        String pathName = path.factory().name();
        String couplingName = coupling.factory().name();
        if (pathName.equals("gaussian-ot") && !couplingName.equals("independent")) {
            throw new ConfigurationException("path 'gaussian-ot' assumes independent pairs (x0 ~ N(0, I) drawn "
                    + "separately from x1), but coupling '" + couplingName + "' pairs them; use --path cond-ot with "
                    + "coupling '" + couplingName + "', or keep gaussian-ot with --coupling independent");
        }
        if (couplingName.equals("schrodinger-bridge")) {
            String couplingSigma = coupling.params().resolved().get("sigma");
            if (!pathName.equals("brownian-bridge")) {
                throw new ConfigurationException("coupling 'schrodinger-bridge' (sigma = " + couplingSigma
                        + ") is the bridge of the brownian-bridge path, but the path is '" + pathName
                        + "'; use --path brownian-bridge --path-param sigma=" + couplingSigma);
            }
            String pathSigma = path.params().resolved().get("sigma");
            if (pathSigma != null && couplingSigma != null
                    && Double.parseDouble(pathSigma.trim()) != Double.parseDouble(couplingSigma.trim())) {
                throw new ConfigurationException("coupling 'schrodinger-bridge' has sigma = " + couplingSigma
                        + " but path 'brownian-bridge' has sigma = " + pathSigma + "; they must be equal: use "
                        + "--path brownian-bridge --path-param sigma=" + couplingSigma + " (or --coupling-param sigma="
                        + pathSigma + ")");
            }
        }
    }
}
