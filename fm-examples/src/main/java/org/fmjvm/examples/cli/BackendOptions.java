package org.fmjvm.examples.cli;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.core.ComponentChoice;

import picocli.CommandLine.Option;

/** Options choosing the numerical backend. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Numerical backend: djl (PyTorch) or tf (TensorFlow) (default: the highest-ranked one on the"
                    + " class path, djl when both are).")
    String name;

    @Option(names = "--backend-param", paramLabel = "KEY=VALUE",
            description = "Backend parameter, repeatable, e.g. threads=1 (default threads=auto: djl adapts per call,"
                    + " tf uses one thread per core, at most 4).")
    List<String> params = new ArrayList<>();

    /** @return the backend choice */
    ComponentChoice choice() {
        return ComponentChoice.parse(name, params, "--backend-param");
    }
}
