package org.fmjvm.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.spi.ParamSpec;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fm list}: every discovered plugin by kind (the built-in kinds, data sets among them, then any
 * kind a plugin declares), with parameters and origin.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List every discovered plugin by kind: backends, paths, couplings, solvers, time samplers, data"
            + " sets, and any kind a plugin declares.")
final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = Plugins.discover();
        int width = 14;
        List<ComponentKind<?>> kinds = registry.kinds();
        for (ComponentKind<?> kind : kinds) {
            for (String name : registry.names(kind)) {
                width = Math.max(width, name.length() + 1);
            }
        }
        String row = "  %-" + width + "s %s%n";
        for (ComponentKind<?> kind : kinds) {
            List<? extends ComponentFactory<?>> factories = registry.factories(kind);
            String note = kind.equals(ComponentKind.DATASET) ? " (or a FILE.csv of points, one per line)" : "";
            out.println(kind.id() + "s" + note + ":" + (factories.isEmpty() ? " (none on the class path)" : ""));
            for (ComponentFactory<?> f : factories) {
                out.printf(row, f.name(), f.description());
                for (ParamSpec p : f.parameters()) {
                    out.printf(row, "", "  " + p);
                }
                out.printf(row, "", "  from " + registry.origin(kind, f.name()));
            }
            out.println();
        }
        out.flush();
        return 0;
    }
}
