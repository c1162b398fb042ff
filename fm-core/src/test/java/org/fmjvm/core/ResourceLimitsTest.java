package org.fmjvm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.junit.jupiter.api.Test;

/** The memory estimates' arithmetic, and the checks built on them. */
class ResourceLimitsTest {

    private static final long GB = 1L << 30;

    /** MLP 3 -> 256 -> 256 -> 256 -> 2: 1,024 + 2 x 65,792 + 514 = 133,122 parameters. */
    private static final ModelSpec TUTORIAL = ModelSpec.mlp(2);

    @Test
    void aTrainingStepCountsActivationsParametersWithAdamAndTheHostBatch() {
        assertThat(TUTORIAL.parameterCount()).isEqualTo(133_122);
        ResourceLimits.Footprint f = ResourceLimits.trainingStep(TUTORIAL, 256, false);
        // widths 3 + 256 * 3 + 2 = 773; four float32 copies of each activation; weights, gradients, m, v
        assertThat(f.nativeBytes()).isEqualTo(256L * 773 * 4 * 4 + 133_122L * 4 * 4);
        // three host copies of the weights, eight host arrays of the [256, 2] batch
        assertThat(f.heapBytes()).isEqualTo(133_122L * 3 * 4 + 256L * 2 * 8 * 4);
    }

    @Test
    void aPairwiseCouplingAddsTwoSquareFloat64MatricesOnTheHeap() {
        ResourceLimits.Footprint plain = ResourceLimits.trainingStep(TUTORIAL, 1000, false);
        ResourceLimits.Footprint ot = ResourceLimits.trainingStep(TUTORIAL, 1000, true);
        assertThat(ot.heapBytes() - plain.heapBytes()).isEqualTo(2L * 1000 * 1000 * 8);
        assertThat(ot.nativeBytes()).isEqualTo(plain.nativeBytes());
        assertThat(ResourceLimits.isPairwise("minibatch-ot")).isTrue();
        assertThat(ResourceLimits.isPairwise("sinkhorn")).isTrue();
        assertThat(ResourceLimits.isPairwise("independent")).isFalse();
    }

    @Test
    void aSamplingChunkCountsForwardActivationsSolverStatesAndHostCopies() {
        ResourceLimits.Footprint f = ResourceLimits.samplingChunk(TUTORIAL, 2, 65_536);
        assertThat(f.nativeBytes()).isEqualTo(65_536L * 773 * 2 * 4 + 65_536L * 2 * 10 * 4 + 133_122L * 4);
        assertThat(f.heapBytes()).isEqualTo(65_536L * 2 * 32 + 133_122L * 4);
    }

    @Test
    void theDefaultsFitThisJvm() {
        ResourceLimits here = ResourceLimits.ofThisJvm();
        assertThat(here.heapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThatCode(() -> {
            here.checkTraining(TUTORIAL, 256, true, "--batch");
            here.checkTraining(TUTORIAL, 4096, false, "--batch");
            here.checkSampling(TUTORIAL, 2, 65_536, "--n");
            here.checkPoints(10_000, 2, 8, "--samples");
        }).doesNotThrowAnyException();
    }

    @Test
    void anOversizedBatchNamesTheEstimateTheBudgetAndTheLargestBatchThatFits() {
        ResourceLimits limits = new ResourceLimits(64 * GB, GB);
        String message = message(() -> limits.checkTraining(TUTORIAL, 1_000_000, false, "--batch"));
        assertThat(message).startsWith("--batch 1000000 is too large: one training step of the network MLP 3 -> 256")
                .contains("of native memory, more than the 1.0 GB of physical memory").doesNotContain("\n");
        int max = suggested(message, "--batch");
        // the suggestion is exact: it fits and one more does not
        assertThat(ResourceLimits.trainingStep(TUTORIAL, max, false).nativeBytes()).isLessThanOrEqualTo(GB);
        assertThat(ResourceLimits.trainingStep(TUTORIAL, max + 1, false).nativeBytes()).isGreaterThan(GB);
        assertThatCode(() -> limits.checkTraining(TUTORIAL, max, false, "--batch")).doesNotThrowAnyException();
    }

    @Test
    void elementCountsThatOverflowAnIntAreCaughtBeforeMemory() {
        ResourceLimits huge = new ResourceLimits(Long.MAX_VALUE, Long.MAX_VALUE);
        // 1e9 rows x 256 units: 2.56e11 values, which as an int would wrap to a negative array size
        String message = message(() -> huge.checkTraining(TUTORIAL, 1_000_000_000, false, "--batch"));
        assertThat(message).contains("256,000,000,000 values, more than a Java array holds (2,147,483,639)");
        assertThat(suggested(message, "--batch")).isEqualTo((Integer.MAX_VALUE - 8) / 256);
        // B^2 of a cost matrix: 46,341^2 > 2^31
        String ot = message(() -> huge.checkTraining(TUTORIAL, 46_341, true, "--batch"));
        assertThat(ot).contains("46341 x 46341 cost matrix");
        assertThat(suggested(ot, "--batch")).isEqualTo(46_340);
        assertThatCode(() -> huge.checkTraining(TUTORIAL, 46_341, false, "--batch")).doesNotThrowAnyException();
    }

    @Test
    void aNetworkTooLargeForAnyBatchSaysSo() {
        ModelSpec wide = new ModelSpec(2, List.of(40_000, 40_000), Activation.SILU, new TimeEmbedding.Raw());
        String message = message(() -> new ResourceLimits(64 * GB, 16 * GB).checkTraining(wide, 1, false, "--batch"));
        assertThat(message).contains("1,600,280,002 parameters").contains("23.8 GB of native memory")
                .contains("narrower or fewer hidden layers");
    }

    @Test
    void pointsHeldInMemoryMustFitOneArrayAndTheHeap() {
        ResourceLimits limits = new ResourceLimits(GB, Long.MAX_VALUE);
        String heap = message(() -> limits.checkPoints(100_000_000, 2, 8, "--samples"));
        assertThat(heap).startsWith("--samples 100000000 is too large").contains("about 6.0 GB")
                .contains("more than the 1.0 GB heap limit (-Xmx)");
        assertThat(suggested(heap, "--samples")).isEqualTo(GB / (2 * 8 * 4));
        String array = message(() -> new ResourceLimits(Long.MAX_VALUE, Long.MAX_VALUE)
                .checkPoints(2_000_000_000L, 2, 1, "--n"));
        assertThat(array).contains("4,000,000,000 values");
        assertThat(suggested(array, "--n")).isEqualTo((Integer.MAX_VALUE - 8) / 2);
    }

    @Test
    void byteCountsReadInBinaryUnits() {
        assertThat(ResourceLimits.bytes(512)).isEqualTo("512 bytes");
        assertThat(ResourceLimits.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(ResourceLimits.bytes(3.0 * GB * 1024)).isEqualTo("3.0 TB");
    }

    private static String message(Runnable check) {
        try {
            check.run();
        } catch (ConfigurationException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigurationException");
    }

    /** @return N from the message's {@code use LABEL N or less} */
    private static int suggested(String message, String label) {
        Matcher m = Pattern.compile("use " + Pattern.quote(label) + " (\\d+) or less").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
