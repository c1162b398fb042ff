package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fmjvm.core.normalize.SyntheticTable.DIM;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.core.normalize.Normalizer.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code fromJson(toJson())} through JSON text is bitwise the same map; corrupt nodes fail clearly. */
class NormalizerJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "run/checkpoint.json";
    private static final int ROWS = 1500;
    private static final float[] TABLE = SyntheticTable.draw(ROWS, 123L);

    private static Normalizer fit(Kind kind) {
        return Normalizer.fit(kind, TABLE, ROWS, DIM, Set.of(SyntheticTable.DISCRETE, 0));
    }

    private static Normalizer throughText(Normalizer n) throws JsonProcessingException {
        return Normalizer.fromJson(JSON.readTree(JSON.writeValueAsString(n.toJson())), SOURCE);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void roundTripThroughTextIsBitwiseIdentical(Kind kind) throws JsonProcessingException {
        Normalizer n = fit(kind);
        Normalizer back = throughText(n);
        assertThat(back.kind()).isEqualTo(kind);
        assertThat(back.inputDim()).isEqualTo(n.inputDim());
        assertThat(back.outputDim()).isEqualTo(n.outputDim());
        assertThat(back.constantValues()).isEqualTo(n.constantValues());
        assertThat(back.integerColumns()).isEqualTo(n.integerColumns());
        assertThat(back.toJson()).isEqualTo(n.toJson());
        assertThat(back.describe()).isEqualTo(n.describe());

        int beyondRows = 100;
        float[] beyond = SyntheticTable.beyond(TABLE, beyondRows);
        for (float[] x : new float[][] {TABLE, beyond}) {
            int rows = x.length / DIM;
            assertThat(back.transform(x, rows)).isEqualTo(n.transform(x, rows));
            assertThat(back.logAbsDetJacobian(x, rows)).isEqualTo(n.logAbsDetJacobian(x, rows));
        }
        SplittableRandom rng = new SplittableRandom(1);
        float[] z = new float[500 * n.outputDim()];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (3 * SyntheticTable.gaussian(rng));
        }
        assertThat(back.inverse(z, 500)).isEqualTo(n.inverse(z, 500));
        assertThat(back.toData(z, 500)).isEqualTo(n.toData(z, 500));
    }

    @Test
    void formatIsReadable() {
        ObjectNode standard = fit(Kind.STANDARD).toJson();
        assertThat(standard.get("kind").textValue()).isEqualTo("standard");
        assertThat(standard.get("dim").intValue()).isEqualTo(DIM);
        assertThat(standard.get("constant").get("4").doubleValue()).isEqualTo(0.5);
        assertThat(standard.get("integerColumns").toString()).isEqualTo("[0,3]");
        assertThat(standard.get("mean").size()).isEqualTo(DIM - 1);
        assertThat(standard.get("std").size()).isEqualTo(DIM - 1);
        ObjectNode quantile = fit(Kind.QUANTILE).toJson();
        assertThat(quantile.get("quantiles").size()).isEqualTo(DIM - 1);
        assertThat(quantile.get("quantiles").get(3).get("x").toString()).isEqualTo("[0.0,1.0,2.0,3.0,4.0,5.0]");
        assertThat(Normalizer.identity(3).toJson().toString())
                .isEqualTo("{\"kind\":\"none\",\"dim\":3,\"constant\":{},\"integerColumns\":[]}");
    }

    private static void assertCorrupt(Kind kind, Consumer<ObjectNode> damage, String... fragments) {
        ObjectNode node = fit(kind).toJson();
        damage.accept(node);
        assertThatThrownBy(() -> Normalizer.fromJson(node, SOURCE)).isInstanceOf(CheckpointException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith(SOURCE).contains(fragments).doesNotContain("\n");
                });
    }

    private static ArrayNode array(ObjectNode node, String key) {
        return (ArrayNode) node.get(key);
    }

    private static ArrayNode knots(ObjectNode node, int column, String key) {
        return (ArrayNode) node.get("quantiles").get(column).get(key);
    }

    @Test
    void missingFieldsAreNamed() {
        assertCorrupt(Kind.STANDARD, n -> n.remove("std"), "has no field 'normalization.std'");
        assertCorrupt(Kind.MINMAX, n -> n.remove("dim"), "has no field 'normalization.dim'");
        assertCorrupt(Kind.QUANTILE, n -> ((ObjectNode) n.get("quantiles").get(2)).remove("u"),
                "has no field 'normalization.quantiles[2].u'");
        assertCorrupt(Kind.NONE, n -> n.remove("kind"), "has no field 'normalization.kind'");
    }

    @Test
    void wrongLengthsAreNamed() {
        assertCorrupt(Kind.STANDARD, n -> array(n, "mean").remove(0), "'normalization.mean' must be a list of 6 numbers",
                "got a list of 5");
        assertCorrupt(Kind.QUANTILE, n -> array(n, "quantiles").remove(0), "'normalization.quantiles' must be a list of 6");
        assertCorrupt(Kind.QUANTILE, n -> knots(n, 1, "u").remove(0), "'normalization.quantiles[1]' is invalid",
                "u has");
    }

    @Test
    void nonFiniteAndNonNumericValuesAreNamed() {
        assertCorrupt(Kind.STANDARD, n -> array(n, "mean").set(2, "NaN"), "'normalization.mean[2]' must be a finite number",
                "\"NaN\"");
        assertCorrupt(Kind.MINMAX, n -> array(n, "max").set(0, Double.POSITIVE_INFINITY), "'normalization.max[0]'");
        assertCorrupt(Kind.QUANTILE, n -> knots(n, 0, "x").set(1, "1.5"), "'normalization.quantiles[0].x[1]'");
        assertCorrupt(Kind.STANDARD, n -> ((ObjectNode) n.get("constant")).put("4", "half"),
                "'normalization.constant.4' must be a finite number");
    }

    @Test
    void invalidValuesAreNamed() {
        assertCorrupt(Kind.STANDARD, n -> array(n, "std").set(1, 0.0), "'normalization.std[1]' must be a positive number");
        assertCorrupt(Kind.MINMAX, n -> array(n, "max").set(3, array(n, "min").get(3)), "'normalization.max[3]'",
                "greater than min[3]");
        assertCorrupt(Kind.QUANTILE, n -> knots(n, 2, "x").set(5, knots(n, 2, "x").get(4)),
                "'normalization.quantiles[2]' is invalid", "x[5]", "strictly increasing");
        assertCorrupt(Kind.QUANTILE, n -> knots(n, 2, "u").set(7, knots(n, 2, "u").get(8)),
                "'normalization.quantiles[2]' is invalid", "u[8]", "strictly increasing");
        assertCorrupt(Kind.QUANTILE, n -> knots(n, 0, "u").set(0, 0.0), "'normalization.quantiles[0]' is invalid", "u[0]");
        assertCorrupt(Kind.QUANTILE, n -> n.put("dim", 0), "'normalization.dim' must be a positive integer");
    }

    @Test
    void indicesOutOfRangeAreNamed() {
        assertCorrupt(Kind.STANDARD, n -> ((ObjectNode) n.get("constant")).put("9", 1.0), "'normalization.constant'",
                "key '9'", "0..6");
        assertCorrupt(Kind.STANDARD, n -> array(n, "integerColumns").add(7), "'normalization.integerColumns[2]'",
                "0..6");
        assertCorrupt(Kind.STANDARD, n -> array(n, "integerColumns").add(0), "'normalization.integerColumns[2]'",
                "not listed before");
        assertCorrupt(Kind.NONE, n -> ((ObjectNode) n.get("constant")).put("1", 2.0), "'normalization.constant'",
                "empty for kind none");
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        assertCorrupt(Kind.STANDARD, n -> n.put("kind", "zscore"), "'normalization.kind' is 'zscore'",
                "[none, standard, minmax, quantile]");
    }

    @Test
    void aNodeThatIsNotAnObjectIsRejected() {
        JsonNode text = JSON.getNodeFactory().textNode("standard");
        assertThatThrownBy(() -> Normalizer.fromJson(text, SOURCE)).isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith(SOURCE).hasMessageContaining("'normalization' must be an object");
        assertThatThrownBy(() -> Normalizer.fromJson(null, SOURCE)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'normalization' must be an object");
    }
}
