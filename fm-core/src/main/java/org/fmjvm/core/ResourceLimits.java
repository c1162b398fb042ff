package org.fmjvm.core;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;

/**
 * The memory budgets of a run, and estimates of what a training step, a sampling chunk or a set of
 * points held in memory needs, so that an oversized batch, point count or network fails before
 * anything is allocated, with one line that names the value, the limit and the fix, instead of
 * ending in {@link OutOfMemoryError} or a negative array size.
 *
 * <p>Two budgets: the {@linkplain #heapBytes() heap} (where the host arrays live: data batches,
 * points, cost matrices, weights as {@code float[]}), by default {@link Runtime#maxMemory()}; and
 * {@linkplain #nativeBytes() native memory} (the backends' tensors), by default the machine's
 * physical memory. The estimates, in bytes, with {@code P} the parameter count, {@code W} the sum of
 * the layer widths {@code inputWidth + sum(hidden) + dim}, {@code B} the batch and {@code D} the
 * larger of the model's and the data's dimension (float32 is 4 bytes):
 * <ul>
 *   <li>training step, native: activations {@code B * W * }{@value #ACTIVATION_COPIES}{@code  * 4}
 *       (pre- and post-activation values and their gradients) plus parameters
 *       {@code P * }{@value #PARAMETER_COPIES}{@code  * 4} (weights, gradients, Adam's two moments);
 *   <li>training step, heap: parameters {@code P * }{@value #HOST_PARAMETER_COPIES}{@code  * 4} (initial
 *       weights, a snapshot, the checkpoint's copy), the batch's host arrays
 *       {@code B * D * }{@value #HOST_BATCH_COPIES}{@code  * 4}, and for a coupling that solves an
 *       assignment or a transport plan ({@link #PAIRWISE_COUPLINGS})
 *       {@value #PAIRWISE_MATRICES}{@code  * B^2 * 8} (cost matrix and kernel, float64);
 *   <li>sampling chunk of {@code R} rows, native: {@code R * W * }{@value #FORWARD_COPIES}{@code  * 4}
 *       plus the solver's states {@code R * D * }{@value #SOLVER_STATES}{@code  * 4}; heap:
 *       {@code R * D * }{@value #SAMPLING_HOST_BYTES_PER_VALUE} (noise, result, the float64 copies of
 *       the normalisation);
 *   <li>points held in memory: {@code rows * D * copies * 4} on the heap.
 * </ul>
 * Every element count that becomes a Java array or a tensor read back into one ({@code B * width},
 * {@code B * D}, {@code B^2}) must also be at most {@link #MAX_ARRAY}.
 *
 * <p>The estimates are deliberately simple: they catch values that cannot work (a batch of a
 * billion, a layer of a billion units) rather than predict a run's peak use to the byte.
 *
 * <p>Thread safety: immutable and thread-safe.
 *
 * @param heapBytes the heap budget in bytes, {@code > 0}
 * @param nativeBytes the native-memory budget in bytes, {@code > 0}
 */
public record ResourceLimits(long heapBytes, long nativeBytes) {

    /** The most elements a Java array can hold on common JVMs. */
    public static final int MAX_ARRAY = ModelSpec.MAX_ELEMENTS;
    /** Copies of each activation a training step keeps: pre- and post-activation, and their gradients. */
    public static final int ACTIVATION_COPIES = 4;
    /** Copies of each parameter in native memory during training: weight, gradient, Adam's m and v. */
    public static final int PARAMETER_COPIES = 4;
    /** Copies of the parameters on the heap: initial weights, a snapshot (best weights), the checkpoint's. */
    public static final int HOST_PARAMETER_COPIES = 3;
    /** Host arrays of a training batch: x0, x1, t, x_t, the target velocity, the paired copies. */
    public static final int HOST_BATCH_COPIES = 8;
    /** {@code B x B} float64 matrices of a pairwise coupling: the cost and the transport kernel. */
    public static final int PAIRWISE_MATRICES = 2;
    /** Copies of each activation a forward pass (sampling) keeps: pre- and post-activation. */
    public static final int FORWARD_COPIES = 2;
    /** {@code [R, D]} states an ODE step keeps: the state, up to seven stages (dopri5), the error. */
    public static final int SOLVER_STATES = 10;
    /** Heap bytes per generated value while a chunk is mapped to the data's coordinates and written. */
    public static final int SAMPLING_HOST_BYTES_PER_VALUE = 32;
    /**
     * The built-in couplings that build a {@code B x B} cost matrix each step: their memory grows
     * with the square of the batch.
     */
    public static final Set<String> PAIRWISE_COUPLINGS = Set.of("minibatch-ot", "sinkhorn", "schrodinger-bridge");

    /** Validates the budgets. */
    public ResourceLimits {
        if (heapBytes <= 0 || nativeBytes <= 0) {
            throw new IllegalArgumentException("memory budgets must be > 0 bytes, got heap " + heapBytes
                    + " and native " + nativeBytes);
        }
    }

    /**
     * @return the budgets of this JVM and machine: {@link Runtime#maxMemory()} for the heap, and the
     *     physical memory ({@code com.sun.management.OperatingSystemMXBean#getTotalMemorySize}, which
     *     honours a container's limit) for native memory, unbounded where the platform does not say
     */
    public static ResourceLimits ofThisJvm() {
        long physical = Long.MAX_VALUE;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getTotalMemorySize() > 0) {
            physical = sun.getTotalMemorySize();
        }
        long heap = Runtime.getRuntime().maxMemory();
        return new ResourceLimits(heap == Long.MAX_VALUE ? physical : heap, physical);
    }

    /**
     * Estimated bytes of one piece of work.
     *
     * @param heapBytes on the Java heap
     * @param nativeBytes in the backend's native memory
     * @param parts what the total is made of, for messages, e.g. {@code activations 1.2 GB, ...}
     */
    public record Footprint(long heapBytes, long nativeBytes, String parts) {
        /** Validates. */
        public Footprint {
            Objects.requireNonNull(parts, "parts");
            if (heapBytes < 0 || nativeBytes < 0) {
                throw new IllegalArgumentException("byte counts must be >= 0, got " + heapBytes + " and "
                        + nativeBytes);
            }
        }
    }

    /**
     * @param couplingName a coupling's plugin name
     * @return whether it is one of {@link #PAIRWISE_COUPLINGS}
     */
    public static boolean isPairwise(String couplingName) {
        return PAIRWISE_COUPLINGS.contains(Objects.requireNonNull(couplingName, "couplingName"));
    }

    /**
     * @param spec the network
     * @param batch pairs per step, {@code >= 1}
     * @param pairwise whether the coupling builds a {@code B x B} cost matrix
     * @return the estimated memory of one training step
     */
    public static Footprint trainingStep(ModelSpec spec, int batch, boolean pairwise) {
        Objects.requireNonNull(spec, "spec");
        double b = batch;
        double activations = b * widthSum(spec) * ACTIVATION_COPIES * Float.BYTES;
        double params = (double) spec.parameterCount() * PARAMETER_COPIES * Float.BYTES;
        double hostParams = (double) spec.parameterCount() * HOST_PARAMETER_COPIES * Float.BYTES;
        double hostBatch = b * spec.dim() * HOST_BATCH_COPIES * Float.BYTES;
        double cost = pairwise ? PAIRWISE_MATRICES * b * b * Double.BYTES : 0;
        String parts = "activations " + bytes(activations) + ", parameters with gradients and Adam moments "
                + bytes(params) + (pairwise ? ", the coupling's " + batch + " x " + batch + " cost matrices "
                + bytes(cost) : "");
        return new Footprint((long) (hostParams + hostBatch + cost), (long) (activations + params), parts);
    }

    /**
     * @param spec the network
     * @param dataDim the dimension of the generated points (the data's)
     * @param rows the rows integrated together, {@code >= 1}
     * @return the estimated memory of integrating one chunk and mapping it to the data's coordinates
     */
    public static Footprint samplingChunk(ModelSpec spec, int dataDim, int rows) {
        Objects.requireNonNull(spec, "spec");
        double r = rows;
        int d = Math.max(spec.dim(), dataDim);
        double activations = r * widthSum(spec) * FORWARD_COPIES * Float.BYTES;
        double states = r * d * SOLVER_STATES * Float.BYTES;
        double params = (double) spec.parameterCount() * Float.BYTES;
        double host = r * d * SAMPLING_HOST_BYTES_PER_VALUE + params;
        return new Footprint((long) host, (long) (activations + states + params), "activations " + bytes(activations)
                + ", solver states " + bytes(states) + ", parameters " + bytes(params));
    }

    /**
     * Fails unless one training step fits: every array within {@link #MAX_ARRAY} elements and the
     * estimate within both budgets.
     *
     * @param spec the network
     * @param batch pairs per step
     * @param pairwise whether the coupling builds a {@code B x B} cost matrix (see {@link #isPairwise})
     * @param label how the caller names the batch size in messages, e.g. {@code --batch}
     * @throws ConfigurationException naming the batch, the limit and the largest batch that fits
     */
    public void checkTraining(ModelSpec spec, int batch, boolean pairwise, String label) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(label, "label");
        if (batch < 1) {
            throw new ConfigurationException(label + " must be >= 1, got " + batch);
        }
        String network = "the network " + spec.describe();
        Footprint alone = trainingStep(spec, 1, false);
        if (!fits(alone)) {
            throw new ConfigurationException(network + " has " + String.format(Locale.ROOT, "%,d",
                    spec.parameterCount()) + " parameters and needs about " + need(alone) + " to train; use narrower"
                    + " or fewer hidden layers");
        }
        String arrays = arrayProblem(spec, batch, pairwise);
        Footprint step = trainingStep(spec, batch, pairwise);
        if (arrays == null && fits(step)) {
            return;
        }
        int max = largest(batch, b -> arrayProblem(spec, b, pairwise) == null && fits(trainingStep(spec, b, pairwise)));
        String why = arrays != null ? arrays : "one training step of " + network + " needs about "
                + need(step) + " (" + step.parts() + ")";
        throw new ConfigurationException(label + " " + batch + " is too large: " + why + "; use " + label + " "
                + max + " or less");
    }

    /**
     * Fails unless integrating {@code rows} points together fits.
     *
     * @param spec the network
     * @param dataDim the dimension of the generated points
     * @param rows points integrated together (a chunk, or all of them when they are held in memory)
     * @param label how the caller names the count, e.g. {@code --n}
     * @throws ConfigurationException naming the count, the limit and the largest count that fits
     */
    public void checkSampling(ModelSpec spec, int dataDim, int rows, String label) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(label, "label");
        Footprint one = samplingChunk(spec, dataDim, 1);
        if (!fits(one)) {
            throw new ConfigurationException("the network " + spec.describe() + " needs about "
                    + need(one) + " to sample");
        }
        long widest = (long) rows * Math.max(Math.max(maxWidth(spec), dataDim), spec.dim());
        Footprint chunk = samplingChunk(spec, dataDim, rows);
        if (widest <= MAX_ARRAY && fits(chunk)) {
            return;
        }
        int max = largest(rows, r -> (long) r * Math.max(Math.max(maxWidth(spec), dataDim), spec.dim()) <= MAX_ARRAY
                && fits(samplingChunk(spec, dataDim, r)));
        String why = widest > MAX_ARRAY ? rows + " rows of the widest layer make " + String.format(Locale.ROOT,
                "%,d", widest) + " values, more than a Java array holds (" + String.format(Locale.ROOT, "%,d",
                MAX_ARRAY) + ")" : "integrating them together needs about " + need(chunk) + " (" + chunk.parts()
                + ")";
        throw new ConfigurationException(label + " " + rows + " is too large: " + why + "; use " + label + " " + max
                + " or less");
    }

    /**
     * Fails unless {@code rows} points of {@code dim} coordinates, held in memory {@code copies} times
     * over (as float32), fit in one array each and together on the heap.
     *
     * @param rows the number of points
     * @param dim coordinates per point
     * @param copies how many arrays of that size the caller holds at once
     * @param label how the caller names the count, e.g. {@code --samples}
     * @throws ConfigurationException naming the count, the limit and the largest count that fits
     */
    public void checkPoints(long rows, int dim, int copies, String label) {
        Objects.requireNonNull(label, "label");
        if (dim < 1 || copies < 1) {
            throw new IllegalArgumentException("dim and copies must be >= 1, got " + dim + " and " + copies);
        }
        double bytes = (double) rows * dim * copies * Float.BYTES;
        long values = rows * dim;
        if (rows <= MAX_ARRAY / dim && bytes <= heapBytes) {
            return;
        }
        long max = Math.min(MAX_ARRAY / dim, (long) (heapBytes / ((double) dim * copies * Float.BYTES)));
        String why = rows > MAX_ARRAY / dim ? String.format(Locale.ROOT, "%,d", rows) + " points of " + dim
                + " coordinates make " + String.format(Locale.ROOT, "%,d", values) + " values, more than a Java"
                + " array holds (" + String.format(Locale.ROOT, "%,d", MAX_ARRAY) + ")"
                : "holding them needs about " + bytes(bytes) + " (" + copies + " arrays of " + dim + " float32 per"
                + " point), more than the " + bytes(heapBytes) + " heap limit (-Xmx)";
        throw new ConfigurationException(label + " " + rows + " is too large: " + why + "; use " + label + " " + max
                + " or less" + (rows > MAX_ARRAY / dim ? "" : ", or give Java more heap (-Xmx)"));
    }

    private boolean fits(Footprint f) {
        return f.heapBytes() <= heapBytes && f.nativeBytes() <= nativeBytes;
    }

    /** @return what {@code f} needs beyond a budget and that budget, e.g. {@code 73.8 GB of native memory, more than ...} */
    private String need(Footprint f) {
        if (f.nativeBytes() > nativeBytes) {
            return bytes(f.nativeBytes()) + " of native memory, more than the " + bytes(nativeBytes)
                    + " of physical memory";
        }
        return bytes(f.heapBytes()) + " of Java heap, more than the " + bytes(heapBytes) + " heap limit (-Xmx)";
    }

    /** @return why a batch's arrays cannot exist, or {@code null} if each fits in a Java array */
    private static String arrayProblem(ModelSpec spec, int batch, boolean pairwise) {
        long widest = (long) batch * Math.max(maxWidth(spec), spec.dim());
        if (widest > MAX_ARRAY) {
            return batch + " rows of the widest layer make " + String.format(Locale.ROOT, "%,d", widest)
                    + " values, more than a Java array holds (" + String.format(Locale.ROOT, "%,d", MAX_ARRAY) + ")";
        }
        long square = (long) batch * batch;
        if (pairwise && square > MAX_ARRAY) {
            return "the coupling's " + batch + " x " + batch + " cost matrix has " + String.format(Locale.ROOT, "%,d",
                    square) + " entries, more than a Java array holds (" + String.format(Locale.ROOT, "%,d", MAX_ARRAY)
                    + ")";
        }
        return null;
    }

    /** @return the largest value in {@code [1, above)} that {@code ok} accepts (it is monotone), or 0 */
    private static int largest(int above, java.util.function.IntPredicate ok) {
        int lo = 0;
        int hi = above;
        while (hi - lo > 1) {
            int mid = (int) (((long) lo + hi) >>> 1);
            if (ok.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double widthSum(ModelSpec spec) {
        double sum = spec.inputWidth() + spec.dim();
        for (int w : spec.hidden()) {
            sum += w;
        }
        return sum;
    }

    private static int maxWidth(ModelSpec spec) {
        int max = spec.inputWidth();
        for (int w : spec.hidden()) {
            max = Math.max(max, w);
        }
        return max;
    }

    /**
     * @param bytes a byte count
     * @return it in binary units, e.g. {@code 3.2 GB}
     */
    static String bytes(double bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f bytes", v) : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
