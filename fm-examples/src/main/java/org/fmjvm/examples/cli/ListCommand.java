package org.fmjvm.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fm list}: every discovered plugin by kind, with parameters and origin, and the built-in data sets. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List every discovered plugin (backends, paths, couplings, solvers, time samplers) and data set.")
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = Plugins.discover();
        int width = 14;
        List<ComponentKind<?>> kinds = registry.kinds().stream().filter(k -> !k.equals(ComponentKind.DATASET)).toList();
        for (ComponentKind<?> kind : kinds) {
            for (String name : registry.names(kind)) {
                width = Math.max(width, name.length() + 1);
            }
        }
        String row = "  %-" + width + "s %s%n";
        for (ComponentKind<?> kind : kinds) {
            List<? extends ComponentFactory<?>> factories = registry.factories(kind);
            out.println(kind.id() + "s:" + (factories.isEmpty() ? " (none on the class path)" : ""));
            for (ComponentFactory<?> f : factories) {
                out.printf(row, f.name(), f.description());
                for (ParamSpec p : f.parameters()) {
                    out.printf(row, "", "  " + p);
                }
                out.printf(row, "", "  from " + registry.origin(kind, f.name()));
            }
            out.println();
        }
        out.println("datasets (or a FILE.csv of points, one per line):");
        for (String name : Datasets.names()) {
            Dataset d = Datasets.byName(name);
            out.printf(row, name, d.describe());
        }
        out.flush();
        return 0;
    }
}
