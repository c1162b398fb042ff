package org.fmjvm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import org.fmjvm.api.error.CheckpointException;

class JsonFieldsTest {

    private static final String SOURCE = "run/checkpoint.json";

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(text);
    }

    @Test
    void readsEachKindOfField() throws Exception {
        ObjectNode root = json("{\"o\": {\"n\": 3}, \"a\": [1.5, -2], \"s\": \"cond-ot\", \"i\": 7, \"l\": 9000000000,"
                + " \"x\": 0.25, \"b\": true}");
        JsonFields f = JsonFields.of(SOURCE);
        assertThat(f.object(root, "o").get("n").intValue()).isEqualTo(3);
        assertThat(f.array(root, "a").size()).isEqualTo(2);
        assertThat(f.text(root, "s", 7)).isEqualTo("cond-ot");
        assertThat(f.integer(root, "i")).isEqualTo(7);
        assertThat(f.bounded(root, "i", 7, 7)).isEqualTo(7);
        assertThat(f.longInteger(root, "l")).isEqualTo(9_000_000_000L);
        assertThat(f.number(root, "i")).isEqualTo(7.0);
        assertThat(f.finite(root, "x")).isEqualTo(0.25);
        assertThat(f.bool(root, "b")).isTrue();
        assertThat(f.numbers(root, "a")).containsExactly(1.5, -2.0);
        assertThat(f.numbers(root, "a", 2, null)).containsExactly(1.5, -2.0);
    }

    @Test
    void aMissingOrNullFieldIsNamedWithItsFullPath() throws Exception {
        ObjectNode model = json("{\"dim\": null}");
        String incomplete = ": the file is incomplete; restore it or re-run training";
        assertThatThrownBy(() -> JsonFields.of(SOURCE).at("model").integer(model, "hidden"))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(SOURCE + " has no field 'model.hidden'" + incomplete);
        assertThatThrownBy(() -> JsonFields.of(SOURCE).at("model").field(model, "dim"))
                .hasMessage(SOURCE + " has no field 'model.dim'" + incomplete);
        assertThatThrownBy(() -> JsonFields.labelled("s.json", "training-state field").at("random.time")
                .longInteger(model, "seed"))
                .hasMessage("s.json has no training-state field 'random.time.seed'" + incomplete);
    }

    @Test
    void aValueOfTheWrongTypeIsNamedAndShown() throws Exception {
        ObjectNode root = json("{\"beta1\": \"high\", \"n\": 1.5, \"o\": [1], \"b\": 0, \"l\": 1e30, \"x\": \"NaN\"}");
        JsonFields f = JsonFields.of(SOURCE).at("optimizer");
        assertThatThrownBy(() -> f.number(root, "beta1")).isInstanceOf(CheckpointException.class)
                .hasMessage(SOURCE + ": field 'optimizer.beta1' must be a number, got \"high\"");
        assertThatThrownBy(() -> f.integer(root, "n"))
                .hasMessageEndingWith("'optimizer.n' must be a 32-bit integer, got 1.5");
        assertThatThrownBy(() -> f.longInteger(root, "l")).hasMessageContaining("must be a 64-bit integer, got 1.0E30");
        assertThatThrownBy(() -> f.object(root, "o")).hasMessageEndingWith("must be an object, got [1]");
        assertThatThrownBy(() -> f.array(root, "b")).hasMessageEndingWith("must be a list, got 0");
        assertThatThrownBy(() -> f.bool(root, "b")).hasMessageEndingWith("must be true or false, got 0");
        assertThatThrownBy(() -> f.text(root, "n")).hasMessageEndingWith("must be a string, got 1.5");
        assertThatThrownBy(() -> f.finite(root, "x")).hasMessageEndingWith("must be a finite number, got \"NaN\"");
        assertThat(f.invalid("", "an object", null).getMessage())
                .isEqualTo(SOURCE + ": field 'optimizer' must be an object, got null");
    }

    @Test
    void boundsAndLengthsAreChecked() throws Exception {
        ObjectNode root = json("{\"batch\": 0, \"big\": 3000000000, \"name\": \"abcdef\", \"mean\": [1, 2, 3],"
                + " \"std\": [1, 1e400]}");
        JsonFields f = JsonFields.of(SOURCE);
        assertThatThrownBy(() -> f.bounded(root, "batch", 1, 64))
                .hasMessage(SOURCE + ": field 'batch' must be an integer from 1 to 64, got 0");
        assertThatThrownBy(() -> f.bounded(root, "big", 0, Integer.MAX_VALUE))
                .hasMessageEndingWith("must be an integer from 0 to 2147483647, got 3000000000");
        assertThat(f.text(root, "name", 6)).isEqualTo("abcdef");
        assertThatThrownBy(() -> f.text(root, "name", 5))
                .hasMessageEndingWith("'name' must be a string of up to 5 characters, got \"abcdef\"");
        assertThatThrownBy(() -> f.numbers(root, "mean", 2, "one per column"))
                .hasMessageEndingWith("'mean' must be a list of 2 numbers (one per column), got a list of 3");
        assertThatThrownBy(() -> f.numbers(root, "std")).hasMessageContaining("'std[1]' must be a finite number");
        assertThatThrownBy(() -> f.numbers(root, "mean", -1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longValuesAreShortenedToOneLine() throws Exception {
        ObjectNode root = json("{}");
        root.put("data", "x".repeat(100_000) + "\nSENTINEL");
        root.putArray("list").add("y".repeat(10_000));
        JsonFields f = JsonFields.of(SOURCE);
        assertShort(() -> f.text(root, "data", 4096));
        assertShort(() -> f.integer(root, "data"));
        assertShort(() -> f.object(root, "list"));
        assertShort(() -> f.numbers(root, "list"));
    }

    private static void assertShort(Runnable read) {
        assertThatThrownBy(read::run).isInstanceOf(CheckpointException.class).satisfies(e -> assertThat(e.getMessage())
                .hasSizeLessThan(200).doesNotContain("\n").doesNotContain("SENTINEL")
                .doesNotContain("x".repeat(Snippets.MAX_CHARS)).doesNotContain("y".repeat(Snippets.MAX_CHARS))
                .contains("..."));
    }

    @Test
    void failNamesThePathAndTheProblemAndKindNamesTheType() throws Exception {
        JsonFields f = JsonFields.labelled("s.json", "training-state field").at("validation");
        assertThat(f.fail("evaluations[2].step", "is after the last step").getMessage())
                .isEqualTo("s.json: training-state field 'validation.evaluations[2].step' is after the last step");
        Throwable cause = new IllegalStateException("why");
        assertThat(f.fail("", "is odd", cause).getCause()).isSameAs(cause);
        assertThat(f.source()).isEqualTo("s.json");
        assertThat(JsonFields.kind(null)).isEqualTo("nothing");
        assertThat(JsonFields.kind(json("{\"a\": [1]}").get("a"))).isEqualTo("array");
    }
}
