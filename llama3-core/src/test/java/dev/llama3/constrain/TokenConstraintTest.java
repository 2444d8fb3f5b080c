package dev.llama3.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Token-level behaviour: the mask equals a token-by-token check, random generations always validate, and
 * end-of-generation tokens are allowed exactly where the output is complete.
 */
class TokenConstraintTest {

    @Test
    void maskEqualsTokenByTokenCheckOnTheSmallVocabulary() {
        maskEqualsTokenByTokenCheck(TestVocab.tokenizer(), 40);
    }

    @Test
    void maskEqualsTokenByTokenCheckOnTheRealVocabulary() {
        maskEqualsTokenByTokenCheck(Vocabularies.real(), 1);
    }

    /** Walks random generations and compares every mask with running each token's bytes through the automaton. */
    private static void maskEqualsTokenByTokenCheck(Llama3Tokenizer tokenizer, int runs) {
        TokenIndex index = TokenIndex.of(tokenizer);
        SplittableRandom random = new SplittableRandom(7);
        for (var schemaJson : Schemas.all().values()) {
            JsonSchema schema = JsonSchema.parse(schemaJson);
            for (int run = 0; run < runs; run++) {
                Frame state = new ValueFrame(schema.root(), 0, 0, RootFrame.END);
                TokenConstraint c = JsonConstraints.forSchema(tokenizer, schema).start();
                float[] logits = new float[tokenizer.vocabSize()];
                for (int step = 0; step < 30; step++) {
                    java.util.Arrays.fill(logits, 0f);
                    c.mask(logits);
                    int allowed = 0;
                    for (int id = 0; id < logits.length; id++) {
                        boolean expected = index.bytes[id] != null ? Frame.run(state, index.bytes[id]) != null
                                : tokenizer.endOfGenerationIds().contains(id) && state.canEnd();
                        assertThat(logits[id] == 0f).as("token %d (%s) after %s", id, tokenizer.piece(id), c)
                                .isEqualTo(expected);
                        allowed += expected ? 1 : 0;
                    }
                    if (allowed == 0) {
                        assertThat(c.isComplete()).isTrue();
                        break;
                    }
                    int pick = random.nextInt(allowed);
                    int chosen = -1;
                    for (int id = 0; id < logits.length && chosen < 0; id++) {
                        if (logits[id] == 0f && pick-- == 0) {
                            chosen = id;
                        }
                    }
                    c.accept(chosen);
                    if (index.bytes[chosen] == null) {
                        break; // end of generation
                    }
                    state = Frame.run(state, index.bytes[chosen]);
                }
            }
        }
    }

    @Test
    void randomGenerationsValidateOnTheSmallVocabulary() {
        randomGenerationsValidate(TestVocab.tokenizer(), 60);
    }

    @Test
    void randomGenerationsValidateOnTheRealVocabulary() {
        randomGenerationsValidate(Vocabularies.real(), 15);
    }

    private static void randomGenerationsValidate(Llama3Tokenizer tokenizer, int runs) {
        SplittableRandom random = new SplittableRandom(42);
        for (Map.Entry<String, String> e : Schemas.all().entrySet()) {
            JsonSchema schema = JsonSchema.parse(e.getValue());
            Constraint constraint = JsonConstraints.forSchema(tokenizer, schema);
            int completed = 0;
            for (int run = 0; run < runs; run++) {
                String out = Generations.generate(tokenizer, constraint, random, 400);
                if (out != null) {
                    completed++;
                    assertThat(schema.validate(out)).as("%s: %s", e.getKey(), out).isEmpty();
                }
            }
            assertThat(completed).as("completed generations for %s", e.getKey()).isGreaterThan(runs / 2);
        }
    }

    @Test
    void oneConstraintServesConcurrentGenerations() throws Exception {
        Llama3Tokenizer tokenizer = TestVocab.tokenizer();
        JsonSchema schema = JsonSchema.parse(Schemas.FILM);
        Constraint constraint = JsonConstraints.forSchema(tokenizer, schema);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            java.util.List<java.util.concurrent.Future<java.util.List<String>>> futures = new java.util.ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int seed = thread;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    java.util.List<String> outs = new java.util.ArrayList<>();
                    for (int run = 0; run < 10; run++) {
                        outs.add(Generations.generate(tokenizer, constraint, random, 400));
                    }
                    return outs;
                }));
            }
            int completed = 0;
            for (var f : futures) {
                for (String out : f.get()) {
                    if (out != null) {
                        completed++;
                        assertThat(schema.validate(out)).as(out).isEmpty();
                    }
                }
            }
            assertThat(completed).isGreaterThan(20);
        }
    }

    @Test
    void endOfGenerationOnlyWhenComplete() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        int eot = t.eotId().getAsInt();
        TokenConstraint c = JsonConstraints.forSchema(t, JsonSchema.parse("{\"type\":\"array\",\"items\":{}}"))
                .start();
        float[] logits = new float[t.vocabSize()];
        c.mask(logits);
        assertThat(logits[eot]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[t.bosId()]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits['[']).isZero();
        assertThat(logits[' ']).isZero();
        assertThat(logits['{']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> c.accept(eot)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("incomplete");
        assertThatThrownBy(() -> c.accept('{')).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not allowed");
        assertThatThrownBy(() -> c.accept(t.bosId())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("special");
        assertThatThrownBy(() -> c.mask(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary of " + t.vocabSize());
        for (int id : t.encode("[1, \"a\"]")) {
            assertThat(c.isComplete()).isFalse();
            c.accept(id);
        }
        assertThat(c.isComplete()).isTrue();
        java.util.Arrays.fill(logits, 0f);
        c.mask(logits);
        for (int id : t.endOfGenerationIds()) {
            assertThat(logits[id]).isZero();
        }
        assertThat(java.util.stream.IntStream.range(0, logits.length).filter(i -> logits[i] == 0f).count())
                .isEqualTo(t.endOfGenerationIds().size());
        c.accept(eot);
        assertThat(c.isComplete()).isTrue();
        assertThatThrownBy(() -> c.accept(']')).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void multiByteCharactersMaySplitAcrossTokens() {
        Llama3Tokenizer t = TestVocab.tokenizer();
        TokenConstraint c = JsonConstraints.forSchema(t, JsonSchema.parse("{\"type\":\"string\"}")).start();
        c.accept('"');
        c.accept(0xC3); // first byte of é
        float[] logits = new float[t.vocabSize()];
        c.mask(logits);
        assertThat(logits['"']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits['a']).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(logits[0xA9]).isZero();
        int tail = -1;
        for (int id = 0; id < t.vocabSize(); id++) {
            if (java.util.Arrays.equals(t.tokenBytes(id), new byte[] {(byte) 0xA9, '"'})) {
                tail = id;
            }
        }
        assertThat(logits[tail]).isZero();
        c.accept(tail);
        assertThat(c.isComplete()).isTrue();
    }
}
