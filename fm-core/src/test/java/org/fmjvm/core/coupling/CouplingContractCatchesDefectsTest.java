package org.fmjvm.core.coupling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.core.coupling.DefectivePairing.Defect;
import org.fmjvm.testkit.CouplingContract;
import org.fmjvm.testkit.SuiteRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CouplingContract} can fail: it passes sound couplings (including ones that keep the weaker
 * promises a coupling may declare) and fails each defect of {@link DefectivePairing}, and an
 * independent pairing that claims to lower the transport cost, in the check meant to catch it and
 * for the reason that check gives.
 */
class CouplingContractCatchesDefectsTest {

    /**
     * Sound couplings pass every check that applies: the monotone pairing (a permutation that
     * returns x0 itself and a new x1 and lowers the cost), a shuffle that says it uses the
     * generator, and sampling with replacement that says so and promises only rows of the inputs.
     *
     * @param contract the contract run against a sound coupling
     */
    @ParameterizedTest
    @ValueSource(classes = {Sound.class, ShufflesAndSaysSo.class, SamplesWithReplacementAndSaysSo.class})
    void soundCouplingsPassEveryCheck(Class<? extends CouplingContract> contract) {
        SuiteRun.Result run = SuiteRun.run(contract);
        assertThat(run.failed()).as("failed checks of %s", contract.getSimpleName()).isEmpty();
        assertThat(run.passed()).as("passed checks of %s", contract.getSimpleName()).isGreaterThanOrEqualTo(6);
    }

    static Stream<Arguments> defects() {
        return Stream.of(
                Arguments.of(DropsARow.class, "pairsRowsOfTheInputs", "repeats an input row used before"),
                Arguments.of(PairsX0WithItself.class, "pairsRowsOfTheInputs", "is not a row of the input"),
                Arguments.of(CarriesState.class, "aFixedSeedReproducesTheBatch", "after a call on other inputs"),
                Arguments.of(ShufflesWithoutSayingSo.class, "aFixedSeedReproducesTheBatch",
                        "another seed gives another batch (usesRng() is false)"),
                Arguments.of(ShufflesWithoutSayingSo.class, "reducesTheTransportCost", "at most 90% of that is promised"),
                Arguments.of(SamplesWithReplacementAsAPermutation.class, "pairsRowsOfTheInputs",
                        "is not a PERMUTATION pairing"),
                Arguments.of(LeaksATensor.class, "leavesItsInputsAloneAndItsResultInTheCallersScope",
                        "tensors the call left alive"),
                Arguments.of(ClosesAnInput.class, "leavesItsInputsAloneAndItsResultInTheCallersScope",
                        "tensors the call left alive"),
                Arguments.of(ReturnsFloat32.class, "shapesAndDtypeFollowTheInputs", "batch dtype for FLOAT64 inputs"),
                Arguments.of(TruncatesMismatched.class, "rejectsMismatchedShapes", "pairing [5, 3] with [5, 4]"),
                Arguments.of(DescribesOnTwoLines.class, "describesItselfOnOneLine", "monotone pairing\nin"),
                Arguments.of(IndependentClaimsLowerCost.class, "reducesTheTransportCost",
                        "mean |x1 - x0|^2 of the coupled batch"));
    }

    /**
     * Each defect fails the check meant to catch it, with that check's message.
     *
     * @param contract the contract run against the defective coupling
     * @param check the contract's test method that must fail
     * @param reason a piece of the failure message that names the defect
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("defects")
    void eachDefectFailsTheCheckMeantToCatchIt(Class<? extends CouplingContract> contract, String check, String reason) {
        SuiteRun.assertFailsOnlyIn(contract, check, reason);
    }

    /** Every defect is tried. */
    @Test
    void everyDefectIsTried() {
        List<Object> tried = defects().map(a -> a.get()[0]).distinct().toList();
        // one case per defect but NONE, plus the independent pairing's false promise
        assertThat(tried).hasSize(Defect.values().length - 1 + 1);
    }

    // The contract against each coupling: one class each, since JUnit makes the instance.

    abstract static class Against extends CouplingContract {
        private final Coupling coupling;

        Against(Defect defect) {
            coupling = new DefectivePairing(defect);
        }

        @Override
        protected Coupling coupling() {
            return coupling;
        }

        @Override
        protected boolean reducesTransportCost() {
            return true;
        }
    }

    static final class Sound extends Against {
        Sound() {
            super(Defect.NONE);
        }
    }

    static final class ShufflesAndSaysSo extends Against {
        ShufflesAndSaysSo() {
            super(Defect.SHUFFLES_WITH_THE_RNG);
        }

        @Override
        protected boolean usesRng() {
            return true;
        }

        @Override
        protected boolean reducesTransportCost() {
            return false;
        }
    }

    static final class SamplesWithReplacementAndSaysSo extends Against {
        SamplesWithReplacementAndSaysSo() {
            super(Defect.SAMPLES_WITH_REPLACEMENT);
        }

        @Override
        protected Pairing pairing() {
            return Pairing.ROWS_FROM_INPUTS;
        }

        @Override
        protected boolean usesRng() {
            return true;
        }

        @Override
        protected boolean reducesTransportCost() {
            return false;
        }
    }

    static final class DropsARow extends Against {
        DropsARow() {
            super(Defect.DROPS_A_ROW);
        }
    }

    static final class PairsX0WithItself extends Against {
        PairsX0WithItself() {
            super(Defect.PAIRS_X0_WITH_ITSELF);
        }
    }

    static final class CarriesState extends Against {
        CarriesState() {
            super(Defect.CARRIES_STATE);
        }
    }

    static final class ShufflesWithoutSayingSo extends Against {
        ShufflesWithoutSayingSo() {
            super(Defect.SHUFFLES_WITH_THE_RNG);
        }
    }

    static final class SamplesWithReplacementAsAPermutation extends Against {
        SamplesWithReplacementAsAPermutation() {
            super(Defect.SAMPLES_WITH_REPLACEMENT);
        }

        @Override
        protected boolean usesRng() {
            return true;
        }
    }

    static final class LeaksATensor extends Against {
        LeaksATensor() {
            super(Defect.LEAKS_A_TENSOR);
        }
    }

    static final class ClosesAnInput extends Against {
        ClosesAnInput() {
            super(Defect.CLOSES_AN_INPUT);
        }
    }

    static final class ReturnsFloat32 extends Against {
        ReturnsFloat32() {
            super(Defect.RETURNS_FLOAT32);
        }
    }

    static final class TruncatesMismatched extends Against {
        TruncatesMismatched() {
            super(Defect.TRUNCATES_MISMATCHED);
        }
    }

    static final class DescribesOnTwoLines extends Against {
        DescribesOnTwoLines() {
            super(Defect.DESCRIBES_ON_TWO_LINES);
        }
    }

    /** The independent pairing, claiming what it does not do. */
    static final class IndependentClaimsLowerCost extends CouplingContract {
        @Override
        protected Coupling coupling() {
            return new IndependentCoupling();
        }

        @Override
        protected boolean reducesTransportCost() {
            return true;
        }
    }
}
