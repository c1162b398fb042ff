package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class TableReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Column scales from a thousandth to ten thousand, around means far from zero. */
    private static final double[] SCALES = {1e-3, 1, 1e2, 1e4};
    private static final double[] MEANS = {0.05, -3, 400, 5e4};

    /**
     * A correlated Gaussian: {@code x_d = scale_d (z_d + 0.6 z'_{d-1}) + mean_d}, where {@code z'} is the
     * previous column's standardized value, so neighbouring columns correlate.
     */
    private static float[] gaussianTable(int rows, double[] scales, double[] means, Rng rng) {
        int dim = scales.length;
        float[] out = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            double prev = 0;
            for (int d = 0; d < dim; d++) {
                double z = rng.nextGaussian() + 0.6 * prev;
                prev = z;
                out[i * dim + d] = (float) (means[d] + scales[d] * z);
            }
        }
        return out;
    }

    private static float[] sixDims(int rows, Rng rng) {
        return gaussianTable(rows, new double[] {1, 2, 0.5, 10, 1, 3}, new double[] {0, 1, -1, 20, 0, 5}, rng);
    }

    // ---- correlations ----

    /** c1 = z1; c2 = c1 + 0.05 z2; c3 independent; c4 constant; c5 = -2 z1 + z4. */
    private static float[] knownCorrelations(int rows, Rng rng) {
        float[] t = new float[rows * 5];
        for (int i = 0; i < rows; i++) {
            double z1 = rng.nextGaussian();
            t[i * 5] = (float) z1;
            t[i * 5 + 1] = (float) (z1 + 0.05 * rng.nextGaussian());
            t[i * 5 + 2] = (float) rng.nextGaussian();
            t[i * 5 + 3] = 7f;
            t[i * 5 + 4] = (float) (-2 * z1 + rng.nextGaussian());
        }
        return t;
    }

    @Test
    void correlationsOfAConstructedTable() {
        int n = 2000;
        float[] t = knownCorrelations(n, Rng.seeded(11));
        TableReport r = TableReport.builder(t, 5).generated(t).build(Rng.seeded(1));
        double[][] c = r.correlations().realMatrix();
        assertThat(c[0][1]).isCloseTo(1 / Math.sqrt(1 + 0.05 * 0.05), within(1e-3));
        assertThat(c[0][2]).isCloseTo(0, within(4 / Math.sqrt(n)));
        assertThat(c[0][4]).isCloseTo(-2 / Math.sqrt(5), within(0.02));
        assertThat(c[1][0]).isEqualTo(c[0][1]);
        assertThat(c[0][0]).isEqualTo(1.0);
        // the constant column has no correlation, not even with itself
        for (int j = 0; j < 5; j++) {
            assertThat(c[3][j]).isNaN();
            assertThat(r.correlations().real().get(j).get(3)).isNull();
        }
        // a table against itself: no difference over the C(4, 2) pairs of non-constant columns
        assertThat(r.correlations().pairs()).isEqualTo(6);
        assertThat(r.correlations().maxAbsDifference()).isZero();
        assertThat(r.correlations().meanAbsDifference()).isZero();
        assertThat(r.correlations().differenceMatrix()[0][4]).isZero();
    }

    @Test
    void aBrokenCorrelationShowsInTheDifference() {
        float[] real = knownCorrelations(2000, Rng.seeded(11));
        float[] gen = knownCorrelations(2000, Rng.seeded(12));
        Rng rng = Rng.seeded(13);
        for (int i = 0; i < 2000; i++) {
            gen[i * 5 + 1] = (float) rng.nextGaussian(); // c2 no longer follows c1
        }
        TableReport r = TableReport.builder(real, 5).generated(gen).build(Rng.seeded(1));
        double[][] diff = r.correlations().differenceMatrix();
        assertThat(diff[0][1]).isCloseTo(-1, within(0.1));
        assertThat(r.correlations().maxAbsDifference()).isCloseTo(1, within(0.1));
        assertThat(Math.abs(diff[0][4])).isLessThan(0.05); // the untouched pair still matches
        // mean over 6 pairs: about 1 for (c1, c2), about 0.9 for (c2, c5), about 0 elsewhere
        assertThat(r.correlations().meanAbsDifference()).isCloseTo(1.9 / 6, within(0.05));
    }

    // ---- per-column statistics ----

    @Test
    void columnStatisticsCompareMarginals() {
        float[] real = gaussianTable(3000, SCALES, MEANS, Rng.seeded(21));
        float[] gen = gaussianTable(3000, SCALES, MEANS, Rng.seeded(22));
        for (int i = 0; i < 3000; i++) {
            gen[i * 4 + 2] = (float) (MEANS[2] + 2 * (gen[i * 4 + 2] - MEANS[2])); // twice as wide
        }
        TableReport r = TableReport.builder(real, 4).columnNames(List.of("tiny", "unit", "hundreds", "huge"))
                .generated(gen).build(Rng.seeded(1));
        TableReport.Column unit = r.columns().get(1);
        TableReport.Column wide = r.columns().get(2);
        assertThat(unit.name()).isEqualTo("unit");
        assertThat(unit.realMean()).isCloseTo(-3, within(0.1));
        assertThat(unit.stdRatio()).isCloseTo(1, within(0.06));
        // two samples of 3000 from one distribution: D rarely exceeds 1.63 / sqrt(1500) = 0.042
        assertThat(unit.ksStatistic()).isLessThan(0.042);
        assertThat(wide.stdRatio()).isCloseTo(2, within(0.1));
        assertThat(wide.ksStatistic()).isGreaterThan(0.15);
        assertThat(wide.ksPValue()).isLessThan(1e-10);
        // var z_d = 1 + 0.36 var z_{d-1}: 1, 1.36, 1.4896, 1.536256
        assertThat(r.columns().get(3).realStd()).isCloseTo(1e4 * Math.sqrt(1.536256), withinPercentage(4));
    }

    // ---- energy distance ----

    @Test
    void aSampleFromTheRealDistributionScoresAtTheFloor() {
        float[] real = gaussianTable(1000, SCALES, MEANS, Rng.seeded(31));
        float[] gen = gaussianTable(500, SCALES, MEANS, Rng.seeded(32));
        TableReport.Energy e = TableReport.builder(real, 4).generated(gen).floorRepeats(10).build(Rng.seeded(3))
                .energy();
        assertThat(e.referenceRows()).isEqualTo(500);
        assertThat(e.sampleRows()).isEqualTo(500);
        assertThat(e.columns()).containsExactly("c1", "c2", "c3", "c4");
        assertThat(e.floor().repeats()).hasSize(10);
        assertThat(e.floor().mean()).isPositive();
        assertThat(e.energyDistance()).isLessThan(e.floor().mean() + 4 * e.floor().sd());
        assertThat(e.ratio()).isLessThan(3);
    }

    @Test
    void aShiftedOrScaledSampleScoresFarAboveTheFloor() {
        float[] real = gaussianTable(1000, SCALES, MEANS, Rng.seeded(31));
        double[] shifted = MEANS.clone();
        shifted[1] += 1; // one standard deviation of the column's own part, in one column
        TableReport.Energy e = TableReport.builder(real, 4)
                .generated(gaussianTable(500, SCALES, shifted, Rng.seeded(32))).build(Rng.seeded(3)).energy();
        assertThat(e.energyDistance()).isGreaterThan(e.floor().mean() + 10 * e.floor().sd());
        assertThat(e.ratio()).isGreaterThan(5);

        double[] wider = SCALES.clone();
        for (int d = 0; d < 4; d++) {
            wider[d] *= 2;
        }
        TableReport.Energy w = TableReport.builder(real, 4)
                .generated(gaussianTable(500, wider, MEANS, Rng.seeded(32))).build(Rng.seeded(3)).energy();
        assertThat(w.energyDistance()).isGreaterThan(w.floor().mean() + 10 * w.floor().sd());
        assertThat(w.ratio()).isGreaterThan(5);
    }

    @Test
    void aWrongSmallScaleColumnIsCaughtThoughItsRawSpreadIsTiny() {
        float[] real = gaussianTable(1000, SCALES, MEANS, Rng.seeded(31));
        float[] good = gaussianTable(500, SCALES, MEANS, Rng.seeded(32));
        float[] bad = good.clone();
        for (int i = 0; i < 500; i++) {
            bad[i * 4] += 2e-3f; // two standard deviations, in a column whose raw spread is 1e-3
        }
        // in raw units the two samples are indistinguishable: the 1e4-scale column dominates every distance
        assertThat(EnergyDistance.between(bad, real, 4))
                .isCloseTo(EnergyDistance.between(good, real, 4), withinPercentage(0.01));
        TableReport.Energy g = TableReport.builder(real, 4).generated(good).build(Rng.seeded(3)).energy();
        TableReport.Energy b = TableReport.builder(real, 4).generated(bad).build(Rng.seeded(3)).energy();
        assertThat(g.energyDistance()).isLessThan(g.floor().mean() + 4 * g.floor().sd());
        assertThat(b.ratio()).isGreaterThan(20);
        assertThat(b.floor()).isEqualTo(g.floor()); // the floor depends on the real rows and the seed only
    }

    @Test
    void moreGeneratedRowsThanTheSpareHalfAreSubsampledToItsSize() {
        float[] real = gaussianTable(301, SCALES, MEANS, Rng.seeded(31));
        float[] gen = gaussianTable(800, SCALES, MEANS, Rng.seeded(32));
        TableReport.Energy e = TableReport.builder(real, 4).generated(gen).build(Rng.seeded(3)).energy();
        assertThat(e.referenceRows()).isEqualTo(150);
        assertThat(e.sampleRows()).isEqualTo(151);
        assertThat(e.energyDistance()).isLessThan(e.floor().mean() + 4 * e.floor().sd());
    }

    // ---- memorisation ----

    private record RealSplit(float[] train, float[] heldOut, double[] sd) {
    }

    /** 600 rows of a correlated 6-D Gaussian: the first 400 for training, the last 200 held out. */
    private static RealSplit realSplit() {
        float[] all = sixDims(600, Rng.seeded(41));
        float[] train = Arrays.copyOf(all, 400 * 6);
        float[] held = Arrays.copyOfRange(all, 400 * 6, 600 * 6);
        double[] sd = new double[6];
        for (int d = 0; d < 6; d++) {
            Moments m = new Moments();
            for (int i = 0; i < 400; i++) {
                m.add(train[i * 6 + d]);
            }
            sd[d] = m.sd();
        }
        return new RealSplit(train, held, sd);
    }

    @Test
    void aGeneratorThatReturnsTrainingRowsIsFlagged() {
        RealSplit s = realSplit();
        float[] gen = s.train().clone();
        Rng jitter = Rng.seeded(42);
        for (int i = 0; i < 380; i++) { // jitter of 1% of each column's sd; the last 20 rows verbatim
            for (int d = 0; d < 6; d++) {
                gen[i * 6 + d] += (float) (0.01 * s.sd()[d] * jitter.nextGaussian());
            }
        }
        TableReport r = TableReport.builder(s.train(), 6).heldOut(s.heldOut()).generated(gen).build(Rng.seeded(4));
        TableReport.Memorisation m = r.memorisation();
        assertThat(m.flagged()).isTrue();
        assertThat(m.fractionBelowHeldOutP5()).isGreaterThan(0.95);
        assertThat(m.medianRatio()).isLessThan(0.1);
        assertThat(m.exactCopies()).isEqualTo(20);
        assertThat(m.generated().min()).isZero();
        assertThat(m.verdict()).contains("FLAGGED").contains("20 exact copies");
        assertThat(r.heldOutRows()).isEqualTo(200);
    }

    @Test
    void aGeneratorThatDrawsFreshRowsPasses() {
        RealSplit s = realSplit();
        float[] gen = sixDims(400, Rng.seeded(43));
        TableReport.Memorisation m = TableReport.builder(s.train(), 6).heldOut(s.heldOut()).generated(gen)
                .build(Rng.seeded(4)).memorisation();
        assertThat(m.flagged()).isFalse();
        // about 5% by construction; the 5th percentile of 200 held-out rows wobbles by about 0.015
        assertThat(m.fractionBelowHeldOutP5()).isBetween(0.005, 0.13);
        assertThat(m.medianRatio()).isCloseTo(1, within(0.15));
        assertThat(m.exactCopies()).isZero();
        assertThat(m.heldOut().p5()).isLessThan(m.heldOut().median());
        assertThat(m.verdict()).contains("no sign of copying").contains("0 exact copies");
    }

    @Test
    void withoutHeldOutRowsOnlyGeneratedDistancesAreReported() {
        RealSplit s = realSplit();
        TableReport r = TableReport.builder(s.train(), 6).generated(sixDims(100, Rng.seeded(43)))
                .build(Rng.seeded(4));
        TableReport.Memorisation m = r.memorisation();
        assertThat(r.heldOutRows()).isNull();
        assertThat(m.heldOut()).isNull();
        assertThat(m.fractionBelowHeldOutP5()).isNull();
        assertThat(m.medianRatio()).isNull();
        assertThat(m.flagged()).isNull();
        assertThat(m.generated().median()).isPositive();
        assertThat(m.verdict()).contains("not assessed").contains("held-out").contains("--validation");
    }

    // ---- output ----

    private static TableReport withConstantColumn(boolean heldOut) {
        float[] real = knownCorrelations(200, Rng.seeded(51));
        float[] gen = knownCorrelations(150, Rng.seeded(52));
        TableReport.Builder b = TableReport.builder(real, 5)
                .columnNames(List.of("age", "income_after_tax_eur", "x", "constant", "y")).generated(gen);
        if (heldOut) {
            b.heldOut(knownCorrelations(50, Rng.seeded(53)));
        }
        return b.build(Rng.seeded(5));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void serialisesToJsonWithoutNaNOrInfinity() throws Exception {
        for (boolean heldOut : new boolean[] {false, true}) {
            TableReport r = withConstantColumn(heldOut);
            String json = JSON.writeValueAsString(r);
            assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
            JsonNode root = JSON.readTree(json);
            List<String> top = new ArrayList<>(List.of("dim", "trainRows", "generatedRows", "columns",
                    "correlations", "energy", "memorisation"));
            if (heldOut) {
                top.add(2, "heldOutRows");
            }
            assertThat(fieldNames(root)).containsExactlyElementsOf(top);
            assertThat(fieldNames(root.get("columns").get(0))).containsExactly("name", "realMean",
                    "generatedMean", "realStd", "generatedStd", "stdRatio", "ksStatistic", "ksPValue");
            assertThat(root.get("columns").get(3).has("stdRatio")).isFalse(); // constant real column
            assertThat(fieldNames(root.get("correlations"))).containsExactly("real", "generated",
                    "maxAbsDifference", "meanAbsDifference", "pairs");
            assertThat(root.get("correlations").get("real").get(0).get(3).isNull()).isTrue();
            assertThat(root.get("correlations").get("real").get(0).get(0).asDouble()).isEqualTo(1.0);
            assertThat(fieldNames(root.get("energy"))).containsExactly("columns", "referenceRows", "sampleRows",
                    "energyDistance", "floor", "ratio");
            assertThat(root.get("energy").get("columns")).hasSize(4);
            List<String> mem = heldOut
                    ? List.of("generated", "heldOut", "fractionBelowHeldOutP5", "medianRatio", "exactCopies",
                            "threshold", "flagged", "verdict")
                    : List.of("generated", "exactCopies", "threshold", "verdict");
            assertThat(fieldNames(root.get("memorisation"))).containsExactlyElementsOf(mem);
            assertThat(fieldNames(root.get("memorisation").get("generated"))).containsExactly("median", "p5", "min");
        }
    }

    @Test
    void linesShowEveryColumnInAnAlignedTableAndEndWithTheVerdict() {
        TableReport r = withConstantColumn(true);
        List<String> lines = r.lines();
        List<String> table = lines.subList(1, 7); // header and 5 columns
        for (String line : table) {
            assertThat(line).hasSameSizeAs(table.get(0));
        }
        for (String name : List.of("age", "income_after_tax_eur", "x", "constant", "y")) {
            assertThat(table).anyMatch(l -> l.startsWith(name + " "));
        }
        assertThat(table.get(0)).contains("KS D").contains("std ratio");
        assertThat(lines).anyMatch(l -> l.startsWith("correlations: max |gen - real|"));
        assertThat(lines).anyMatch(l -> l.startsWith("energy distance (standardized, 4 columns)"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo(r.memorisation().verdict()).startsWith("memorisation: ");
        assertThat(lines.get(0)).isEqualTo("200 training, 50 held-out, 150 generated rows; 5 columns");
    }

    // ---- validation ----

    @Test
    void rejectsBadInputsWithTheValueAndTheFix() {
        float[] real = sixDims(20, Rng.seeded(1));
        float[] gen = sixDims(10, Rng.seeded(2));
        gen[6 + 2] = Float.NaN;
        assertThatThrownBy(() -> TableReport.builder(real, 6).generated(gen)).isInstanceOf(DataException.class)
                .hasMessageContaining("generated row 2, column 3 is NaN").hasMessageContaining("impute");
        assertThatThrownBy(() -> TableReport.builder(real, 6).heldOut(new float[13]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of dim = 6");
        assertThatThrownBy(() -> TableReport.builder(real, 6).generated(new float[6]))
                .isInstanceOf(DataException.class).hasMessageContaining("1 rows");
        assertThatThrownBy(() -> TableReport.builder(new float[18], 6)).isInstanceOf(DataException.class)
                .hasMessageContaining("at least 4");
        assertThatThrownBy(() -> TableReport.builder(real, 6).columnNames(List.of("a", "b")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("expected 6");
        assertThatThrownBy(() -> TableReport.builder(real, 6).build(Rng.seeded(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("generated(rows)");
        float[] flat = new float[8 * 2];
        assertThatThrownBy(() -> TableReport.builder(flat, 2).generated(flat).build(Rng.seeded(1)))
                .isInstanceOf(DataException.class).hasMessageContaining("every column");
    }

    @Test
    void theSameSeedGivesTheSameReport() {
        assertThat(withConstantColumn(true)).isEqualTo(withConstantColumn(true));
    }
}
