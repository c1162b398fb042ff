package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.Checkerboard;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.data.Moons;
import org.junit.jupiter.api.Test;

class QualityReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static QualityReport report(org.fmjvm.api.data.Dataset target, float[] generated, long seed) {
        return QualityReport.builder(target, generated).projections(64).entropySamples(20_000).build(Rng.seeded(seed));
    }

    @Test
    void aPerfectSamplerScoresAtItsNoiseFloor() {
        GaussianMixture q = GaussianMixture.fourGaussians();
        float[] perfect = q.sample(2000, Rng.seeded(100));
        QualityReport r = report(q, perfect, 1);
        assertThat(r.generated()).isEqualTo(2000);
        assertThat(r.reference()).isEqualTo(2000);
        assertThat(r.energyDistanceFloor().repeats()).hasSize(5);
        assertThat(r.energyDistanceFloor().mean()).isPositive().isLessThan(0.02);
        assertThat(r.energyDistanceFloor().sd()).isPositive();
        assertThat(r.slicedW2Floor().mean()).isPositive().isLessThan(0.3);
        double edSpread = r.energyDistanceFloor().mean() + 4 * r.energyDistanceFloor().sd();
        assertThat(r.energyDistance()).isLessThan(edSpread);
        assertThat(r.slicedW2()).isLessThan(r.slicedW2Floor().mean() + 4 * r.slicedW2Floor().sd());
    }

    @Test
    void aDistortedSamplerScoresFarAboveTheFloor() {
        GaussianMixture q = GaussianMixture.fourGaussians();
        float[] x = q.sample(2000, Rng.seeded(100));
        for (int i = 0; i < x.length; i++) {
            x[i] *= 1.3f; // modes too far apart and too wide
        }
        QualityReport r = report(q, x, 1);
        assertThat(r.energyDistance()).isGreaterThan(10 * r.energyDistanceFloor().mean());
        assertThat(r.slicedW2()).isGreaterThan(3 * r.slicedW2Floor().mean());
        assertThat(r.logDensity().generatedMean()).isLessThan(r.logDensity().targetMean() - 0.5);
    }

    @Test
    void logDensityAndModesOfAPerfectSamplerMatchTheTarget() {
        GaussianMixture q = GaussianMixture.fourGaussians();
        QualityReport r = report(q, q.sample(4000, Rng.seeded(7)), 2);
        QualityReport.LogDensityReport ld = r.logDensity();
        // well-separated modes: entropy = log 4 + log(2 pi e 0.25) up to a negligible overlap
        double entropy = Math.log(4) + Math.log(2 * Math.PI * Math.E * 0.25);
        assertThat(ld.entropy()).isCloseTo(entropy, within(5 * ld.targetSe()));
        assertThat(ld.targetSamples()).isEqualTo(20_000);
        assertThat(ld.generatedMean()).isCloseTo(ld.targetMean(), within(5 * (ld.generatedSe() + ld.targetSe())));
        assertThat(ld.generatedOutsideSupport()).isZero();
        assertThat(r.modes().weights()).containsExactly(0.25, 0.25, 0.25, 0.25);
        for (int k = 0; k < 4; k++) {
            assertThat(r.modes().generated().get(k)).isCloseTo(0.25, within(5 * Math.sqrt(0.25 * 0.75 / 4000)));
            assertThat(r.modes().reference().get(k)).isCloseTo(0.25, within(5 * Math.sqrt(0.25 * 0.75 / 4000)));
        }
        assertThat(r.modes().maxAbsError()).isLessThan(0.035);
    }

    @Test
    void supportIsReportedForTheCheckerboard() {
        Checkerboard q = new Checkerboard();
        float[] x = q.sample(1000, Rng.seeded(3));
        for (int i = 0; i < 100; i++) {
            x[2 * i] = 1f; // (1, 3) lies in cell (0, 1): an empty square
            x[2 * i + 1] = 3f;
        }
        QualityReport r = report(q, x, 4);
        assertThat(r.logDensity().generatedOutsideSupport()).isCloseTo(0.1, within(1e-12));
        assertThat(r.logDensity().generatedMean()).isEqualTo(-Math.log(32));
        assertThat(r.logDensity().targetMean()).isEqualTo(-Math.log(32));
        assertThat(r.modes()).isNull();
    }

    @Test
    void serialisesToPlainJsonAndBack() throws Exception {
        GaussianMixture q = GaussianMixture.fourGaussians();
        QualityReport r = report(q, q.sample(500, Rng.seeded(8)), 5);
        String json = JSON.writeValueAsString(r);
        JsonNode tree = JSON.readTree(json);
        assertThat(tree.get("dataset").asText()).isEqualTo("four-gaussians");
        assertThat(tree.get("energyDistance").isDouble()).isTrue();
        assertThat(tree.get("energyDistanceFloor").get("repeats")).hasSize(5);
        assertThat(tree.get("logDensity").get("targetMean").asDouble()).isEqualTo(r.logDensity().targetMean());
        assertThat(tree.get("modes").get("generated")).hasSize(4);
        assertThat(json).doesNotContain("NaN", "Infinity", "Optional", "present");
        assertThat(JSON.readValue(json, QualityReport.class)).isEqualTo(r);

        String moons = JSON.writeValueAsString(report(new Moons(), new Moons().sample(300, Rng.seeded(1)), 1));
        JsonNode m = JSON.readTree(moons);
        assertThat(m.has("logDensity")).isFalse();
        assertThat(m.has("modes")).isFalse();
        assertThat(m.get("slicedW2").asDouble()).isPositive();
    }

    @Test
    void theSameGeneratorGivesTheSameReport() {
        GaussianMixture q = GaussianMixture.eightGaussians();
        float[] x = q.sample(800, Rng.seeded(1));
        assertThat(report(q, x, 9)).isEqualTo(report(q, x, 9));
        assertThat(report(q, x, 9).energyDistance()).isNotEqualTo(report(q, x, 10).energyDistance());
        assertThat(report(q, x, 9).lines()).hasSize(5).anySatisfy(l -> assertThat(l).contains("mean -log q"));
    }

    @Test
    void nonFiniteSamplesAreRejected() {
        float[] x = {1, 2, Float.NaN, 0};
        assertThatThrownBy(() -> QualityReport.builder(GaussianMixture.fourGaussians(), x))
                .isInstanceOf(DataException.class).hasMessageContaining("generated sample 2, coordinate 1 is NaN");
    }

    @Test
    void aScorerGivesTheBuildersReportForEverySetItScores() {
        Dataset target = GaussianMixture.fourGaussians();
        QualityReport.Scorer scorer = QualityReport.scorer(target, 300, Rng.seeded(5));
        for (long seed : new long[] {1, 2}) {
            float[] generated = target.sample(300, Rng.seeded(seed));
            assertThat(scorer.score(generated)).isEqualTo(QualityReport.builder(target, generated).build(Rng.seeded(5)));
        }
        assertThatThrownBy(() -> scorer.score(new float[10])).hasMessageContaining("takes 300 samples");
    }
}
