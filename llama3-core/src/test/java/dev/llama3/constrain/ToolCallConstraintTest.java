package dev.llama3.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ToolCallConstraintTest {
    private static final Map<String, JsonSchema> TOOLS = Schemas.tools();

    /** Feeds {@code text} token by token; false as soon as a token is refused. */
    private static boolean feed(TokenConstraint c, Llama3Tokenizer t, String text) {
        for (int id : t.encode(text)) {
            try {
                c.accept(id);
            } catch (IllegalStateException refused) {
                return false;
            }
        }
        return true;
    }

    private static boolean completes(Constraint constraint, Llama3Tokenizer t, String text) {
        TokenConstraint c = constraint.start();
        return feed(c, t, text) && c.isComplete();
    }

    @Test
    void autoAllowsTextOrOneCall() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        Constraint auto = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.AUTO);
        assertThat(completes(auto, t, "The answer is 42.")).isTrue();
        assertThat(completes(auto, t, "")).isTrue();
        assertThat(completes(auto, t, "  hello {\"not\": \"a call\"}")).isTrue();
        assertThat(completes(auto, t, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", "
                + "\"unit\": \"celsius\"}}")).isTrue();
        assertThat(completes(auto, t, " {\"name\":\"get_time\",\"parameters\":{\"timezone\":\"UTC\"}}")).isTrue();
        // a '{' opens a call, which must then be a valid one
        assertThat(completes(auto, t, "{\"name\": \"get_weather\"}")).isFalse();
        assertThat(completes(auto, t, "{hello}")).isFalse();
        assertThat(completes(auto, t, "{\"name\": \"delete_all\", \"parameters\": {}}")).isFalse();
        assertThat(completes(auto, t, "{\"parameters\": {\"timezone\": \"UTC\"}, \"name\": \"get_time\"}")).isFalse();
        assertThat(completes(auto, t, "{\"name\": \"get_time\", \"parameters\": {\"city\": \"Paris\"}}")).isFalse();
        assertThat(completes(auto, t, "{\"name\": \"get_time\", \"parameters\": {\"timezone\": \"UTC\"}} and")).isFalse();
    }

    @Test
    void endOfGenerationAnywhereInTextButOnlyAfterACompleteCall() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        int eot = t.eotId().getAsInt();
        float[] logits = new float[t.vocabSize()];
        TokenConstraint text = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.AUTO).start();
        text.mask(logits);
        assertThat(logits[eot]).isZero();
        assertThat(logits['{']).isZero();
        assertThat(logits['H']).isZero();
        feed(text, t, "Hel");
        text.mask(logits);
        assertThat(logits[eot]).isZero();
        assertThat(logits[t.bosId()]).isEqualTo(Float.NEGATIVE_INFINITY);
        text.accept(eot);

        TokenConstraint call = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.AUTO).start();
        feed(call, t, "{\"name\": \"search\"");
        java.util.Arrays.fill(logits, 0f);
        call.mask(logits);
        assertThat(logits[eot]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[',']).isZero();
        assertThat(logits['}']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(feed(call, t, ", \"parameters\": {\"query\": \"x\", \"limit\": 3}}")).isTrue();
        java.util.Arrays.fill(logits, 0f);
        call.mask(logits);
        assertThat(logits[eot]).isZero();
        assertThat(logits[' ']).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void requiredAllowsOnlyACall() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        Constraint required = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.REQUIRED);
        assertThat(completes(required, t, "The answer is 42.")).isFalse();
        assertThat(completes(required, t, "")).isFalse();
        assertThat(completes(required, t, "{\"name\": \"search\", \"parameters\": {\"query\": \"llama\", "
                + "\"filters\": [\"a\", \"b\"], \"exact\": true}}")).isTrue();
        float[] logits = new float[t.vocabSize()];
        TokenConstraint c = required.start();
        c.mask(logits);
        assertThat(logits[t.eotId().getAsInt()]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits['H']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits['{']).isZero();
    }

    @Test
    void randomCallsParseAndMatchTheirTool() {
        for (Llama3Tokenizer t : tokenizers()) {
            SplittableRandom random = new SplittableRandom(3);
            Constraint required = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.REQUIRED);
            Constraint auto = JsonConstraints.forToolCalls(t, TOOLS, ToolChoice.AUTO);
            int calls = 0;
            int texts = 0;
            for (int run = 0; run < 40; run++) {
                String out = Generations.generate(t, run % 2 == 0 ? required : auto, random, 300);
                if (out == null) {
                    continue;
                }
                if (out.strip().startsWith("{")) {
                    calls++;
                    JsonNode call = Json.MAPPER.readTree(out);
                    assertThat(call.propertyNames()).containsExactly("name", "parameters");
                    String name = call.get("name").stringValue();
                    assertThat(TOOLS).containsKey(name);
                    assertThat(TOOLS.get(name).validate(Json.write(call.get("parameters")))).as(out).isEmpty();
                } else {
                    assertThat(run % 2).as("free text only in AUTO: %s", out).isEqualTo(1);
                    texts++;
                }
            }
            assertThat(calls).isGreaterThan(10);
            assertThat(texts).isGreaterThan(0);
        }
    }

    /** The small vocabulary always, the real one when the fixtures are there. */
    private static java.util.List<Llama3Tokenizer> tokenizers() {
        java.util.List<Llama3Tokenizer> list = new java.util.ArrayList<>();
        list.add(TestVocab.tokenizer());
        if (java.nio.file.Files.exists(dev.llama3.testing.Fixtures.root().resolve("models/tiny64-q4_0.gguf"))) {
            list.add(Vocabularies.real());
        }
        return list;
    }

    @Test
    void badToolSetsAreRefused() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        assertThatThrownBy(() -> JsonConstraints.forToolCalls(t, Map.of(), ToolChoice.AUTO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one tool");
        assertThatThrownBy(() -> JsonConstraints.forToolCalls(t, Map.of("", JsonSchema.parse("{}")), ToolChoice.AUTO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
