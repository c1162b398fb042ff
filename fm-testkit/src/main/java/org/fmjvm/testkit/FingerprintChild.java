package org.fmjvm.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.fmjvm.api.Backend;

/**
 * A child JVM's {@code main} for {@link Fingerprint}s: opens the preferred backend on the class
 * path with the given parameters, computes the fingerprint as many times as asked, writes each to
 * {@code OUT.N} and prints {@code result done}. For engines whose thread pool or instruction-set
 * choice is fixed per process, so that each configuration needs its own process.
 *
 * <p>Arguments: {@code OUT REPEATS KEY=VALUE...} (backend parameters, e.g. {@code threads=2}).
 */
public final class FingerprintChild {
    private FingerprintChild() {
    }

    /**
     * Runs one configuration in a child JVM.
     *
     * @param environment variables for the child, e.g. {@code ONEDNN_MAX_CPU_ISA=AVX2}
     * @param out the file prefix; fingerprints go to {@code out.0}, {@code out.1}, ...
     * @param repeats how many fingerprints to compute in the one process
     * @param params backend parameters, {@code KEY=VALUE}
     * @return the fingerprints, in order
     * @throws IOException if the child cannot run or its files cannot be read
     * @throws InterruptedException if interrupted while waiting
     */
    public static Fingerprint[] run(Map<String, String> environment, Path out, int repeats, String... params)
            throws IOException, InterruptedException {
        String[] args = new String[params.length + 2];
        args[0] = out.toString();
        args[1] = Integer.toString(repeats);
        System.arraycopy(params, 0, args, 2, params.length);
        ChildJvm.results(environment, FingerprintChild.class, args);
        Fingerprint[] prints = new Fingerprint[repeats];
        for (int r = 0; r < repeats; r++) {
            prints[r] = Fingerprint.read(Path.of(out + "." + r));
        }
        return prints;
    }

    /**
     * @param args {@code OUT REPEATS KEY=VALUE...}
     * @throws IOException if a fingerprint cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            params.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (Backend backend = BackendsOnClassPath.open(params)) {
            for (int r = 0; r < Integer.parseInt(args[1]); r++) {
                Fingerprint.of(backend).write(Path.of(args[0] + "." + r));
            }
        }
        System.out.println("result done");
    }
}
