package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Coupling} must do, run against one coupling. A plugin author subclasses it once
 * per coupling (and per configuration worth testing), naming the coupling and, where it differs
 * from the default, what it promises; the backend is the preferred one on the test class path
 * unless {@link #createBackend()} is overridden:
 *
 * <pre>{@code
 * class MyCouplingContractTest extends CouplingContract {
 *     protected Coupling coupling() { return new MyCoupling(); }
 * }
 * }</pre>
 *
 * The checks, on seeded batches of 64 rows whose source and data rows are all distinct:
 *
 * <ul>
 *   <li><b>Pairing.</b> The batch's {@code x0} and {@code x1} have the inputs' shape and dtype
 *       (float32 and float64). Every output row of {@code x0} is, value for value, a row of the
 *       input {@code x0}, and likewise for {@code x1}; for a {@link Pairing#PERMUTATION} (the
 *       default) every input row is used exactly once on its side.
 *   <li><b>Reproducibility.</b> The same inputs and seed give the same batch, also after a call on
 *       other inputs in between (no state is carried from call to call); another seed gives
 *       another batch exactly when {@link #usesRng()}.
 *   <li><b>Tensor scopes</b> (the rules on {@link Coupling}): the inputs, made in an outer scope,
 *       are still open with their values; a batch tensor is either the input of its side itself
 *       or a new tensor owned by the caller's current scope, and the call leaves no other tensor
 *       alive; closing the caller's scope frees exactly those new tensors.
 *   <li><b>Errors.</b> Inputs of different shapes fail with {@link ShapeMismatchException} naming
 *       both shapes; {@code describe()} is one line.
 *   <li><b>Transport cost</b> (when {@link #reducesTransportCost()}): the batch's mean squared
 *       distance {@code |x1 - x0|^2} between paired rows is at most 90% of the independent
 *       pairing's expected cost on the same points (the mean over all source-data pairs), on 256
 *       standard normal sources and four-mode data.
 * </ul>
 *
 * The inputs are seeded, so the suite gives the same verdict on every run.
 */
public abstract class CouplingContract extends ScopedBackendSuite {

    private static final int B = 64;
    private static final int D = 3;

    /** How the rows of a coupled batch relate to the input rows. */
    public enum Pairing {
        /**
         * Each side of the batch is a reordering of that side's input: every input row appears
         * exactly once (independent pairing, minibatch optimal transport by assignment).
         */
        PERMUTATION,
        /**
         * Every output row is some input row of its side, possibly repeated or left out (pairs
         * sampled with replacement from a transport plan).
         */
        ROWS_FROM_INPUTS
    }

    /** @return the coupling under test; may be called more than once and must return equal couplings */
    protected abstract Coupling coupling();

    /** @return the preferred backend on the test class path ({@link BackendsOnClassPath#openPreferred()}) */
    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    /** @return what the coupling promises about its rows; {@link Pairing#PERMUTATION} by default */
    protected Pairing pairing() {
        return Pairing.PERMUTATION;
    }

    /** @return whether the batch depends on the generator, so another seed gives another batch; false by default */
    protected boolean usesRng() {
        return false;
    }

    /**
     * @return whether the coupling promises a lower transport cost than independent pairing (as
     *     optimal-transport couplings do); false by default, and then it is not checked
     */
    protected boolean reducesTransportCost() {
        return false;
    }

    // ---------------------------------------------------------------- pairing

    /** Both sides of the batch are {@code [B, D]} in the inputs' dtype, float32 and float64. */
    @Test
    public void shapesAndDtypeFollowTheInputs() {
        for (DType dtype : DType.values()) {
            CoupledBatch b = coupling().pair(tensor(dtype, source(1), B, D), tensor(dtype, data(1), B, D), Rng.seeded(2));
            for (Tensor side : List.of(b.x0(), b.x1())) {
                assertThat(side.shape()).as("%s batch shape", dtype).containsExactly(B, D);
                assertThat(side.dtype()).as("batch dtype for %s inputs", dtype).isEqualTo(dtype);
            }
        }
    }

    /**
     * Every output row is, value for value, a row of the input of its side; for a
     * {@link Pairing#PERMUTATION} every input row is used exactly once. Float32 and float64.
     */
    @Test
    public void pairsRowsOfTheInputs() {
        List<String> wrong = new ArrayList<>();
        for (DType dtype : DType.values()) {
            Tensor x0 = tensor(dtype, source(3), B, D);
            Tensor x1 = tensor(dtype, data(3), B, D);
            CoupledBatch b = coupling().pair(x0, x1, Rng.seeded(4));
            checkRows(wrong, dtype + " x0", x0.toDoubleArray(), b.x0().toDoubleArray());
            checkRows(wrong, dtype + " x1", x1.toDoubleArray(), b.x1().toDoubleArray());
        }
        if (!wrong.isEmpty()) {
            fail("the batch is not a " + pairing() + " pairing of the inputs:\n" + String.join("\n", wrong));
        }
    }

    // ---------------------------------------------------------------- reproducibility

    /**
     * The same inputs and seed give the same batch, also after a call on other inputs in between;
     * another seed gives another batch exactly when {@link #usesRng()}.
     */
    @Test
    public void aFixedSeedReproducesTheBatch() {
        for (DType dtype : DType.values()) {
            Tensor x0 = tensor(dtype, source(5), B, D);
            Tensor x1 = tensor(dtype, data(5), B, D);
            double[][] first = host(coupling().pair(x0, x1, Rng.seeded(11)));
            coupling().pair(tensor(dtype, source(6), B, D), tensor(dtype, data(6), B, D), Rng.seeded(11));
            double[][] again = host(coupling().pair(x0, x1, Rng.seeded(11)));
            double[][] other = host(coupling().pair(x0, x1, Rng.seeded(12)));
            assertThat(again[0]).as("%s x0, same inputs and seed after a call on other inputs", dtype)
                    .containsExactly(first[0]);
            assertThat(again[1]).as("%s x1, same inputs and seed after a call on other inputs", dtype)
                    .containsExactly(first[1]);
            boolean differs = !Arrays.equals(first[0], other[0]) || !Arrays.equals(first[1], other[1]);
            assertThat(differs).as("%s: another seed gives another batch (usesRng() is %s)", dtype, usesRng())
                    .isEqualTo(usesRng());
        }
    }

    // ---------------------------------------------------------------- tensor scopes

    /**
     * Inputs made in an outer scope, the call made in the caller's scope: each side of the batch is
     * the input itself or a new tensor of the caller's scope, nothing else is left alive, closing
     * the caller's scope frees the new tensors, and the inputs stay open with their values.
     */
    @Test
    public void leavesItsInputsAloneAndItsResultInTheCallersScope() {
        for (DType dtype : DType.values()) {
            double[] s = source(7);
            double[] d = data(7);
            Tensor x0 = tensor(dtype, s, B, D);
            Tensor x1 = tensor(dtype, d, B, D);
            double[] x0Values = x0.toDoubleArray();
            double[] x1Values = x1.toDoubleArray();
            long live = backend().liveTensors();
            try (TensorScope caller = backend().openScope()) {
                CoupledBatch b = coupling().pair(x0, x1, Rng.seeded(8));
                assertThat(b.x0()).as("%s batch x0 (the input x0 itself or a new tensor, never the input x1)", dtype)
                        .isNotSameAs(x1);
                assertThat(b.x1()).as("%s batch x1 (the input x1 itself or a new tensor, never the input x0)", dtype)
                        .isNotSameAs(x0);
                int fresh = (b.x0() == x0 ? 0 : 1) + (b.x1() == x1 || b.x1() == b.x0() ? 0 : 1);
                assertThat(backend().liveTensors() - live)
                        .as("%s: tensors the call left alive (only the batch's %d new tensor(s) may be)", dtype, fresh)
                        .isEqualTo(fresh);
                assertThat(caller.size()).as("%s: tensors in the caller's current scope (the batch's new ones)", dtype)
                        .isEqualTo(fresh);
            }
            assertThat(backend().liveTensors()).as("%s: live tensors once the caller's scope closed", dtype)
                    .isEqualTo(live);
            assertThat(read(x0, "the input x0")).as("%s input x0 after the call", dtype).containsExactly(x0Values);
            assertThat(read(x1, "the input x1")).as("%s input x1 after the call", dtype).containsExactly(x1Values);
        }
    }

    // ---------------------------------------------------------------- errors

    /** Inputs of different widths or batch sizes fail with {@link ShapeMismatchException} naming both shapes. */
    @Test
    public void rejectsMismatchedShapes() {
        Tensor x = backend().fromArray(Arrays.copyOf(source(9), 15), DType.FLOAT64, 5, 3);
        Tensor wide = backend().fromArray(Arrays.copyOf(data(9), 20), DType.FLOAT64, 5, 4);
        Tensor taller = backend().fromArray(Arrays.copyOf(data(9), 18), DType.FLOAT64, 6, 3);
        assertRejected(() -> coupling().pair(x, wide, Rng.seeded(0)), "[5, 3]", "[5, 4]");
        assertRejected(() -> coupling().pair(x, taller, Rng.seeded(0)), "[5, 3]", "[6, 3]");
        assertRejected(() -> coupling().pair(taller, x, Rng.seeded(0)), "[6, 3]", "[5, 3]");
    }

    /** {@code describe()} is one non-blank line. */
    @Test
    public void describesItselfOnOneLine() {
        assertThat(coupling().describe()).isNotBlank().doesNotContain("\n");
    }

    // ---------------------------------------------------------------- transport cost

    /**
     * When {@link #reducesTransportCost()}: on 256 standard normal sources and data around four
     * modes {@code (+-3, +-3)}, float64, the batch's mean of {@code |x1_i - x0_i|^2} is at most 90%
     * of what independent pairing costs on the same points on average, the mean over all
     * {@code B^2} source-data pairs. (A shuffle that ignores the points lands within a few percent
     * of that mean; optimal-transport couplings land far below it.)
     */
    @Test
    public void reducesTheTransportCost() {
        assumeThat(reducesTransportCost()).as("reducesTransportCost()").isTrue();
        int rows = 256;
        int dim = 2;
        Rng rng = Rng.seeded(13);
        double[] s = new double[rows * dim];
        double[] d = new double[rows * dim];
        for (int i = 0; i < rows; i++) {
            int mode = rng.nextInt(4);
            for (int j = 0; j < dim; j++) {
                s[i * dim + j] = rng.nextGaussian();
                double centre = ((mode >> j) & 1) == 0 ? -3 : 3;
                d[i * dim + j] = centre + 0.3 * rng.nextGaussian();
            }
        }
        double independent = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rows; k++) {
                for (int j = 0; j < dim; j++) {
                    double diff = s[i * dim + j] - d[k * dim + j];
                    independent += diff * diff;
                }
            }
        }
        independent /= (double) rows * rows;
        CoupledBatch b = coupling().pair(tensor(DType.FLOAT64, s, rows, dim), tensor(DType.FLOAT64, d, rows, dim),
                Rng.seeded(14));
        double coupled = meanSquaredDistance(b.x0().toDoubleArray(), b.x1().toDoubleArray(), dim);
        assertThat(coupled).as("mean |x1 - x0|^2 of the coupled batch; independent pairing costs %s on average, "
                + "and at most 90%% of that is promised", independent).isLessThanOrEqualTo(0.9 * independent);
    }

    // ---------------------------------------------------------------- helpers

    private void checkRows(List<String> wrong, String side, double[] in, double[] out) {
        Map<List<Double>, Integer> unused = new HashMap<>();
        for (int i = 0; i < B; i++) {
            unused.merge(row(in, i), 1, Integer::sum);
        }
        if (unused.size() != B) {
            throw new IllegalStateException("the contract's own " + side + " rows are not distinct");
        }
        Map<List<Double>, Integer> inputs = Map.copyOf(unused);
        for (int i = 0; i < B; i++) {
            List<Double> r = row(out, i);
            if (!inputs.containsKey(r)) {
                wrong.add(side + ": output row " + i + " " + r + " is not a row of the input");
            } else if (pairing() == Pairing.PERMUTATION) {
                int left = unused.merge(r, -1, Integer::sum);
                if (left < 0) {
                    wrong.add(side + ": output row " + i + " repeats an input row used before");
                }
            }
        }
        if (pairing() == Pairing.PERMUTATION) {
            long missing = unused.values().stream().filter(n -> n > 0).count();
            if (missing > 0) {
                wrong.add(side + ": " + missing + " input row(s) do not appear in the output");
            }
        }
    }

    private static List<Double> row(double[] values, int i) {
        List<Double> r = new ArrayList<>(D);
        for (int j = 0; j < D; j++) {
            r.add(values[i * D + j]);
        }
        return r;
    }

    private static double meanSquaredDistance(double[] a, double[] b, int dim) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum / (a.length / dim);
    }

    private static void assertRejected(Runnable call, String first, String second) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("pairing %s with %s", first, second).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining(first).hasMessageContaining(second);
    }

    private static double[][] host(CoupledBatch b) {
        return new double[][] {b.x0().toDoubleArray(), b.x1().toDoubleArray()};
    }

    private static double[] read(Tensor t, String what) {
        try {
            return t.toDoubleArray();
        } catch (RuntimeException e) {
            return fail(what + " can no longer be read: the coupling must not close it (" + e + ")", e);
        }
    }

    private Tensor tensor(DType dtype, double[] values, int... shape) {
        return backend().fromArray(values, dtype, shape);
    }

    /** {@code B x D} standard normal values. */
    private static double[] source(long seed) {
        Rng rng = Rng.seeded(seed).split("source");
        double[] a = new double[B * D];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    /** {@code B x D} normal values around 3, so no data row equals a source row. */
    private static double[] data(long seed) {
        Rng rng = Rng.seeded(seed).split("data");
        double[] a = new double[B * D];
        for (int i = 0; i < a.length; i++) {
            a[i] = 3 + rng.nextGaussian();
        }
        return a;
    }
}
