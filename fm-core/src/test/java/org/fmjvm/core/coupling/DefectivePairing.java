package org.fmjvm.core.coupling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;

/**
 * A small reordering coupling with at most one deliberate defect, so that a test can show that
 * {@link org.fmjvm.testkit.CouplingContract} passes sound couplings and fails broken ones. Sound, it
 * keeps {@code x0} as it is and reorders {@code x1} so that the pairs are monotone in the first
 * coordinate (the smallest first coordinate of {@code x0} with the smallest of {@code x1}, and so
 * on): a permutation that lowers the transport cost, returning one input unchanged and one new
 * tensor. Not thread-safe when {@link Defect#CARRIES_STATE} (that is the defect).
 */
final class DefectivePairing implements Coupling {

    /** What is wrong with the coupling. */
    enum Defect {
        /** Nothing. */
        NONE,
        /** Pairs the second row of {@code x1} twice and its first never. */
        DROPS_A_ROW,
        /** Returns rows of {@code x0} as the data side. */
        PAIRS_X0_WITH_ITSELF,
        /** Shifts its pairing by one more row on every call. */
        CARRIES_STATE,
        /** Shuffles the data side with the generator. */
        SHUFFLES_WITH_THE_RNG,
        /** Draws each data row with replacement from the generator. */
        SAMPLES_WITH_REPLACEMENT,
        /** Leaves a temporary alive in the caller's scope. */
        LEAKS_A_TENSOR,
        /** Closes the input {@code x1}. */
        CLOSES_AN_INPUT,
        /** Returns a float32 data side for float64 inputs. */
        RETURNS_FLOAT32,
        /** Cuts inputs of different shapes down to their common part instead of rejecting them. */
        TRUNCATES_MISMATCHED,
        /** Describes itself on two lines. */
        DESCRIBES_ON_TWO_LINES
    }

    private final Defect defect;
    private int calls;

    DefectivePairing(Defect defect) {
        this.defect = defect;
    }

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        if (!Arrays.equals(x0.shape(), x1.shape())) {
            if (defect != Defect.TRUNCATES_MISMATCHED) {
                throw new ShapeMismatchException("x0 and x1 must have the same shape, got " + Arrays.toString(x0.shape())
                        + " and " + Arrays.toString(x1.shape()));
            }
            int rows = Math.min(x0.dim(0), x1.dim(0));
            int cols = Math.min(x0.dim(1), x1.dim(1));
            x0 = x0.slice(0, 0, rows).slice(1, 0, cols);
            x1 = x1.slice(0, 0, rows).slice(1, 0, cols);
        }
        int b = x0.dim(0);
        int[] by0 = byFirstCoordinate(x0);
        int[] by1 = byFirstCoordinate(x1);
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            rows[by0[i]] = by1[i];
        }
        switch (defect) {
            case DROPS_A_ROW -> rows[0] = rows[1];
            case CARRIES_STATE -> {
                int shift = calls++;
                int[] shifted = new int[b];
                for (int i = 0; i < b; i++) {
                    shifted[i] = rows[(i + shift) % b];
                }
                rows = shifted;
            }
            case SHUFFLES_WITH_THE_RNG -> {
                for (int i = b - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int swap = rows[i];
                    rows[i] = rows[j];
                    rows[j] = swap;
                }
            }
            case SAMPLES_WITH_REPLACEMENT -> {
                for (int i = 0; i < b; i++) {
                    rows[i] = rng.nextInt(b);
                }
            }
            default -> {
            }
        }
        Tensor paired = (defect == Defect.PAIRS_X0_WITH_ITSELF ? x0 : x1).gatherRows(rows);
        if (defect == Defect.LEAKS_A_TENSOR) {
            x1.sum();
        }
        if (defect == Defect.RETURNS_FLOAT32 && paired.dtype() != DType.FLOAT32) {
            Tensor rounded = paired.toDType(DType.FLOAT32);
            paired.close();
            paired = rounded;
        }
        if (defect == Defect.CLOSES_AN_INPUT) {
            x1.close();
        }
        return new CoupledBatch(x0, paired);
    }

    /** @return the row indices in increasing order of the first coordinate */
    private static int[] byFirstCoordinate(Tensor x) {
        double[] v = x.toDoubleArray();
        int dim = x.dim(1);
        return IntStream.range(0, x.dim(0)).boxed().sorted(Comparator.comparingDouble(i -> v[i * dim]))
                .mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String describe() {
        return defect == Defect.DESCRIBES_ON_TWO_LINES ? "monotone pairing\nin the first coordinate"
                : "monotone pairing in the first coordinate, defect " + defect;
    }
}
