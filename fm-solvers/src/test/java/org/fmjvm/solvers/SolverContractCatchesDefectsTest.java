package org.fmjvm.solvers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.solvers.DefectiveEuler.Defect;
import org.fmjvm.testkit.SolverContract;
import org.fmjvm.testkit.SuiteRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SolverContract} can fail: it passes a hand-written forward Euler and fails the same solver
 * with each defect of {@link DefectiveEuler}, and an adaptive solver that ignores its tolerances, in
 * the check meant to catch it and for the reason that check gives. A check that cannot fail would
 * prove nothing about a plugin.
 */
class SolverContractCatchesDefectsTest {

    /** The sound solver passes every check (two do not apply: order-2 polynomials and adaptive steps). */
    @Test
    void theSoundSolverPassesEveryCheck() {
        SuiteRun.Result run = SuiteRun.run(Sound.class);
        assertThat(run.failed()).as("failed checks").isEmpty();
        assertThat(run.passed()).as("passed checks").isEqualTo(11);
        assertThat(run.notApplicable()).as("checks that do not apply").isEqualTo(2);
    }

    static Stream<Arguments> defects() {
        return Stream.of(
                Arguments.of(MiscountsNfe.class, "countsEvaluationsAndStepsAsTheyHappen", "nfe is 8 but the field was called 7 times"),
                Arguments.of(ClaimsOrderTwo.class, "halvingTheStepDividesTheErrorByTwoToTheOrder", "but order() is 2"),
                Arguments.of(ClaimsOrderTwo.class, "timePolynomialsBelowTheOrderAreIntegratedExactly", "dx/dt = 2 t^1 a"),
                Arguments.of(LeaksATensorPerStep.class, "keepsOnlyTheFinalStateAliveInTheCallersScope",
                        "tensors the solve left alive"),
                Arguments.of(ClosesX0.class, "keepsOnlyTheFinalStateAliveInTheCallersScope", "tensors the solve left alive"),
                Arguments.of(AccumulatesTime.class, "countsEvaluationsAndStepsAsTheyHappen",
                        "the last event reaches t = 0.9999999999999998, not exactly 1.0"),
                Arguments.of(SkipsTheRankCheck.class, "rejectsInitialStatesNotOfRankTwo", "solving from an x0 of shape [6]"),
                Arguments.of(AlwaysRunsForward.class, "constantFieldIsIntegratedExactly", "dx/dt = c from 1.0 to 0.0"),
                Arguments.of(AlwaysRunsForward.class, "countsEvaluationsAndStepsAsTheyHappen", "from 1.0 to 0.0: event 1"),
                Arguments.of(ReturnsFloat32.class, "resultFollowsTheShapeAndDtypeOfX0", "final state dtype for FLOAT64 x0"),
                Arguments.of(ReturnsFloat32.class, "constantFieldIsIntegratedExactly", "is not integrated exactly"),
                Arguments.of(CountsAcrossSolves.class, "solvesAreIndependentRuns", "nfe of a second solve"),
                Arguments.of(LeavesAScopeOpenOnFailure.class, "aFailingFieldLeavesNoScopeOpen",
                        "a tensor made after the failed solve belongs to the caller's scope"),
                Arguments.of(RecordsNoFirstState.class, "recordsTheTrajectoryWhenAsked", "recorded times for 8 steps"),
                Arguments.of(IgnoresTolerances.class, "adaptiveErrorFollowsTheTolerances", "did not shrink"));
    }

    /**
     * Each defect fails the check meant to catch it, with that check's message.
     *
     * @param contract the contract run against the defective solver
     * @param check the contract's test method that must fail
     * @param reason a piece of the failure message that names the defect
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("defects")
    void eachDefectFailsTheCheckMeantToCatchIt(Class<? extends SolverContract> contract, String check, String reason) {
        SuiteRun.assertFailsOnlyIn(contract, check, reason);
    }

    /** Every defect is tried. */
    @Test
    void everyDefectIsTried() {
        List<Object> tried = defects().map(a -> a.get()[0]).distinct().toList();
        // one case per defect but NONE, plus the adaptive solver that ignores its tolerances
        assertThat(tried).hasSize(Defect.values().length - 1 + 1);
    }

    // The contract against the solver with each defect: one class each, since JUnit makes the instance.

    abstract static class Against extends SolverContract {
        private final OdeSolver solver;

        Against(Defect defect) {
            solver = new DefectiveEuler(defect);
        }

        @Override
        protected OdeSolver solver() {
            return solver;
        }
    }

    static final class Sound extends Against {
        Sound() {
            super(Defect.NONE);
        }
    }

    static final class MiscountsNfe extends Against {
        MiscountsNfe() {
            super(Defect.MISCOUNTS_NFE);
        }
    }

    static final class ClaimsOrderTwo extends Against {
        ClaimsOrderTwo() {
            super(Defect.CLAIMS_ORDER_TWO);
        }
    }

    static final class LeaksATensorPerStep extends Against {
        LeaksATensorPerStep() {
            super(Defect.LEAKS_A_TENSOR_PER_STEP);
        }
    }

    static final class ClosesX0 extends Against {
        ClosesX0() {
            super(Defect.CLOSES_X0);
        }
    }

    static final class AccumulatesTime extends Against {
        AccumulatesTime() {
            super(Defect.ACCUMULATES_TIME);
        }
    }

    static final class SkipsTheRankCheck extends Against {
        SkipsTheRankCheck() {
            super(Defect.SKIPS_THE_RANK_CHECK);
        }
    }

    static final class AlwaysRunsForward extends Against {
        AlwaysRunsForward() {
            super(Defect.ALWAYS_RUNS_FORWARD);
        }
    }

    static final class ReturnsFloat32 extends Against {
        ReturnsFloat32() {
            super(Defect.RETURNS_FLOAT32);
        }
    }

    static final class CountsAcrossSolves extends Against {
        CountsAcrossSolves() {
            super(Defect.COUNTS_ACROSS_SOLVES);
        }
    }

    static final class LeavesAScopeOpenOnFailure extends Against {
        LeavesAScopeOpenOnFailure() {
            super(Defect.LEAVES_A_SCOPE_OPEN_ON_FAILURE);
        }
    }

    static final class RecordsNoFirstState extends Against {
        RecordsNoFirstState() {
            super(Defect.RECORDS_NO_FIRST_STATE);
        }
    }

    /** An adaptive solver that keeps its first step size whatever the tolerances. */
    static final class IgnoresTolerances extends SolverContract {
        @Override
        protected OdeSolver solver() {
            return new BogackiShampine(false);
        }

        @Override
        protected boolean fixedStep() {
            return false;
        }
    }
}
