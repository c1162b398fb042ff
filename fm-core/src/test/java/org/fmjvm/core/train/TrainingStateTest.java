package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.ValidationEnd;
import org.junit.jupiter.api.Test;

/** TrainingState's serialized form: exact round trips, and every missing or bad field named. */
class TrainingStateTest {

    private static final ModelSpec SPEC = new ModelSpec(2, List.of(4), Activation.SILU, new TimeEmbedding.Raw());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Doubles that are easy to lose in text: signed zero, subnormals, extremes, awkward decimals. */
    private static final double[] TRICKY = {-0.0, 0.0, Double.MIN_VALUE, -Double.MIN_NORMAL, Double.MAX_VALUE, 0.1,
        1.0 / 3, Math.PI * 1e-300, 123456789.123456789, 2.0000000000000004, 9007199254740993.0};

    private static Map<String, Rng.State> streams() {
        Map<String, Rng.State> out = new LinkedHashMap<>();
        Rng root = Rng.seeded(-5);
        for (String label : TrainingState.STREAMS) {
            Rng r = root.split(label);
            r.nextGaussian();
            out.put(label, r.state());
        }
        return out;
    }

    private static OptimizerState optimizer(Rng rng) {
        ModelWeights shapes = new ModelWeights(SPEC.parameterShapes());
        float[][] m = new float[shapes.parameters().size()][];
        float[][] v = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.normals(shapes.parameters().get(i).size());
            v[i] = rng.uniforms(shapes.parameters().get(i).size());
        }
        m[0][0] = -0.0f;
        m[0][1] = Float.MIN_VALUE;
        return OptimizerState.of(SPEC, 17, 2.5e-4, m, v);
    }

    /** A state at step 40 with random-bit losses, a non-finite evaluation, null and signed-zero NLLs. */
    private static TrainingState state() {
        Rng rng = Rng.seeded(8);
        double[] losses = new double[40];
        for (int i = 0; i < losses.length; i++) {
            double x;
            do {
                x = Double.longBitsToDouble(rng.nextLong());
            } while (!Double.isFinite(x));
            losses[i] = i < TRICKY.length ? TRICKY[i] : x;
        }
        List<ValidationEnd> evals = List.of(
                new ValidationEnd(10, Double.NaN, Double.POSITIVE_INFINITY, null, null, false),
                new ValidationEnd(20, 0.1, 1.0 / 3, -0.0, Double.MIN_VALUE, true),
                new ValidationEnd(30, Double.NEGATIVE_INFINITY, 0.5, 1e300, null, false));
        return new TrainingState(40, 100, 256, streams(), optimizer(rng), losses, Long.MAX_VALUE, evals, 1.0 / 3,
                SPEC.initialWeights(rng));
    }

    private static TrainingState roundTrip(TrainingState s) throws Exception {
        String text = JSON.writeValueAsString(s.toJson());
        return TrainingState.fromJson(JSON.readTree(text), s.tensors(), "state.json");
    }

    @Test
    void jsonTextAndTensorsRoundTripExactly() throws Exception {
        TrainingState s = state();
        TrainingState back = roundTrip(s);
        assertThat(back).isEqualTo(s);
        double[] a = s.losses();
        double[] b = back.losses();
        for (int i = 0; i < a.length; i++) {
            assertThat(Double.doubleToRawLongBits(b[i])).as("losses[" + i + "]")
                    .isEqualTo(Double.doubleToRawLongBits(a[i]));
        }
        assertThat(Double.doubleToRawLongBits(back.evaluations().get(1).trainNll()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(back.evaluations().get(0).trainLoss()).isNaN();
        assertThat(back.evaluations().get(0).heldOutLoss()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.evaluations().get(2).trainLoss()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(back.evaluations().get(0).trainNll()).isNull();
        assertThat(back.streams()).isEqualTo(s.streams());
        assertThat(back.tensors()).isEqualTo(s.tensors());
        assertThat(s.tensors().names()).containsExactly("optimizer.m.net.0.weight", "optimizer.m.net.0.bias",
                "optimizer.m.net.2.weight", "optimizer.m.net.2.bias", "optimizer.v.net.0.weight",
                "optimizer.v.net.0.bias", "optimizer.v.net.2.weight", "optimizer.v.net.2.bias", "best.net.0.weight",
                "best.net.0.bias", "best.net.2.weight", "best.net.2.bias");
    }

    @Test
    void aFreshStateWithoutEvaluationsKeepsItsInfiniteBestLoss() throws Exception {
        TrainingState s = new TrainingState(0, 5, 8, streams(), OptimizerState.initial(SPEC, 1e-3), new double[0], 0,
                List.of(), Double.POSITIVE_INFINITY, null);
        JsonNode json = s.toJson();
        assertThat(json.at("/validation/bestHeldOutLoss").textValue()).isEqualTo("Infinity");
        assertThat(json.at("/validation/keptBestWeights").booleanValue()).isFalse();
        assertThat(roundTrip(s)).isEqualTo(s);
    }

    /** Applies {@code edit} to the JSON of {@link #state()} and expects a rejection naming the source and {@code field}. */
    private static void rejected(Consumer<ObjectNode> edit, String... expected) {
        ObjectNode json = state().toJson();
        edit.accept(json);
        assertThatThrownBy(() -> TrainingState.fromJson(json, state().tensors(), "run/step-40/state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("run/step-40/state.json")
                .hasMessageContainingAll(expected);
    }

    @Test
    void fromJsonNamesTheMissingOrInvalidField() {
        rejected(j -> j.remove("losses"), "has no training-state field 'losses'");
        rejected(j -> j.put("step", "forty"), "'step' must be a 32-bit integer, got \"forty\"");
        rejected(j -> j.put("version", 2), "'version' is 2", "newer fm-jvm");
        rejected(j -> ((ObjectNode) j.get("random")).remove("coupling"),
                "has no training-state field 'random.coupling'");
        rejected(j -> ((ObjectNode) j.at("/random/time")).put("state", 1.5), "'random.time.state' must be a 64-bit"
                + " integer, got 1.5");
        rejected(j -> ((ObjectNode) j.at("/random/path")).put("spareNormal", "NaN"), "'random.path.spareNormal'"
                + " must be a finite number");
        rejected(j -> ((ObjectNode) j.get("random")).putObject("extra"), "'random.extra' is not a stream");
        rejected(j -> ((ArrayNode) j.get("losses")).set(3, j.textNode("Infinity")), "losses[3] must be finite");
        rejected(j -> ((ArrayNode) j.get("losses")).set(4, j.booleanNode(true)), "'losses[4]' must be a number");
        rejected(j -> ((ArrayNode) j.get("losses")).remove(0), "losses must hold one value per completed step (40),"
                + " got 39");
        rejected(j -> ((ObjectNode) j.get("optimizer")).put("learningRate", -1), "optimizer state is invalid",
                "learning rate", "-1");
        rejected(j -> ((ObjectNode) j.at("/validation/evaluations/1")).remove("heldOutNll"),
                "has no training-state field 'validation.evaluations[1].heldOutNll'");
        rejected(j -> ((ObjectNode) j.at("/validation/evaluations/2")).put("step", 50),
                "validation.evaluations[2].step must be after");
        rejected(j -> ((ObjectNode) j.get("validation")).put("bestHeldOutLoss", 0.25),
                "validation.bestHeldOutLoss must be the held-out loss of the last evaluation flagged best");
    }

    @Test
    void fromJsonNamesAMissingOrMisshapenTensor() {
        TrainingState s = state();
        List<ModelWeights.Parameter> without = new ArrayList<>(s.tensors().parameters());
        without.removeIf(p -> p.name().equals("optimizer.v.net.0.bias"));
        assertThatThrownBy(() -> TrainingState.fromJson(s.toJson(), new ModelWeights(without), "state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("state.json: tensor optimizer.v.net.0.bias is missing");
        List<ModelWeights.Parameter> misshapen = new ArrayList<>(s.tensors().parameters());
        misshapen.replaceAll(p -> p.name().equals("optimizer.v.net.2.weight")
                ? new ModelWeights.Parameter(p.name(), new int[] {4, 2}, p.values()) : p);
        assertThatThrownBy(() -> TrainingState.fromJson(s.toJson(), new ModelWeights(misshapen), "state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContainingAll("state.json", "net.2.weight[2, 4]", "net.2.weight[4, 2]");
        List<ModelWeights.Parameter> extra = new ArrayList<>(s.tensors().parameters());
        extra.add(new ModelWeights.Parameter("optimizer.m.stray", new int[] {1}, new float[1]));
        assertThatThrownBy(() -> TrainingState.fromJson(s.toJson(), new ModelWeights(extra), "state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor optimizer.m.stray is not part of the training state");
        // the model's own weights may share the file
        List<ModelWeights.Parameter> shared = new ArrayList<>(s.tensors().parameters());
        shared.addAll(SPEC.parameterShapes());
        assertThat(TrainingState.fromJson(s.toJson(), new ModelWeights(shared), "state.json")).isEqualTo(s);
    }

    /** {@link #state()} with a moving average (and one kept with its best weights). */
    private static TrainingState averaged() {
        TrainingState s = state();
        Rng rng = Rng.seeded(9);
        return new TrainingState(s.step(), s.totalSteps(), s.batch(), s.streams(), s.optimizer(), s.losses(),
                s.wallNanos(), s.evaluations(), s.bestHeldOutLoss(), s.bestWeights(),
                new TrainingState.Ema(0.999, SPEC.initialWeights(rng), SPEC.initialWeights(rng)));
    }

    @Test
    void aMovingAverageRoundTripsWithItsDecayAndAStateWithoutOneKeepsNone() throws Exception {
        TrainingState s = averaged();
        TrainingState back = roundTrip(s);
        assertThat(back).isEqualTo(s).isNotEqualTo(state());
        assertThat(back.ema().decay()).isEqualTo(0.999);
        assertThat(back.ema().weights()).isEqualTo(s.ema().weights());
        assertThat(back.ema().best()).isEqualTo(s.ema().best());
        assertThat(s.toJson().at("/ema/decay").doubleValue()).isEqualTo(0.999);
        assertThat(s.tensors().names()).contains("ema.net.0.weight", "ema.net.2.bias", "best-ema.net.0.weight",
                "best-ema.net.2.bias").hasSize(5 * 4);
        assertThat(state().toJson().has("ema")).isFalse();
        assertThat(roundTrip(state()).ema()).isNull();

        // the JSON and the tensors must agree
        ObjectNode without = s.toJson();
        without.remove("ema");
        assertThatThrownBy(() -> TrainingState.fromJson(without, s.tensors(), "state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor ema.net.0.weight is not part of the training state");
        List<ModelWeights.Parameter> missing = new ArrayList<>(s.tensors().parameters());
        missing.removeIf(p -> p.name().equals("best-ema.net.2.weight"));
        assertThatThrownBy(() -> TrainingState.fromJson(s.toJson(), new ModelWeights(missing), "state.json"))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("state.json: tensor best-ema.net.2.weight is missing");
        for (double bad : new double[] {1.0, -0.1}) {
            ObjectNode json = s.toJson();
            ((ObjectNode) json.get("ema")).put("decay", bad);
            assertThatThrownBy(() -> TrainingState.fromJson(json, s.tensors(), "state.json"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContainingAll("state.json", "'ema.decay'", "EMA decay must be in [0, 1)", "got " + bad);
        }
        // best weights need the average of their step
        assertThatThrownBy(() -> new TrainingState(s.step(), s.totalSteps(), s.batch(), s.streams(), s.optimizer(),
                s.losses(), s.wallNanos(), s.evaluations(), s.bestHeldOutLoss(), s.bestWeights(),
                new TrainingState.Ema(0.9, s.ema().weights(), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("best weights are kept without the moving average of their step");
    }

    @Test
    void aHugeValueIsNotEchoed() {
        String huge = "x".repeat(100_000);
        ObjectNode json = state().toJson();
        json.put("batch", huge);
        ((ArrayNode) json.get("parameters")).set(0, json.textNode(huge));
        assertThatThrownBy(() -> TrainingState.fromJson(json, state().tensors(), "s.json"))
                .isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("'batch'"));
        json.put("batch", 256);
        assertThatThrownBy(() -> TrainingState.fromJson(json, state().tensors(), "s.json"))
                .isInstanceOf(CheckpointException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).contains(" characters)"));
    }
}
