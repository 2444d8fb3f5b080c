package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random generation under a constraint: a random allowed token each step, with tokens that close strings and
 * containers (and end-of-generation) more and more likely so that outputs finish.
 */
final class Generations {
    private Generations() {}

    /** One generation's text, or null when it did not complete within {@code maxTokens}. */
    static String generate(Llama3Tokenizer tokenizer, Constraint constraint, SplittableRandom random, int maxTokens) {
        TokenConstraint c = constraint.start();
        TokenIndex index = TokenIndex.of(tokenizer);
        float[] logits = new float[tokenizer.vocabSize()];
        int[] allowed = new int[logits.length];
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int step = 0; step < maxTokens; step++) {
            Arrays.fill(logits, 0f);
            c.mask(logits);
            int n = 0;
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] == 0f) {
                    allowed[n++] = i;
                }
            }
            if (n == 0) {
                if (!c.isComplete()) {
                    throw new AssertionError("no token allowed in an incomplete state: " + c);
                }
                return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            int best = allowed[random.nextInt(n)];
            if (random.nextInt(maxTokens) < 20 + 4 * step) {
                // with probability growing over the steps, a closing token (scan from a random place)
                int from = random.nextInt(n);
                for (int k = 0; k < n; k++) {
                    int id = allowed[(from + k) % n];
                    if (closes(index, tokenizer, id)) {
                        best = id;
                        break;
                    }
                }
            }
            if (tokenizer.endOfGenerationIds().contains(best)) {
                if (!c.isComplete()) {
                    throw new AssertionError("end of generation allowed in an incomplete state: " + c);
                }
                c.accept(best);
                return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            c.accept(best);
            bytes.writeBytes(tokenizer.tokenBytes(best));
        }
        return null;
    }

    private static boolean closes(TokenIndex index, Llama3Tokenizer tokenizer, int id) {
        byte[] b = index.bytes[id];
        if (b == null) {
            return tokenizer.endOfGenerationIds().contains(id);
        }
        for (byte x : b) {
            if (x == '"' || x == '}' || x == ']') {
                return true;
            }
        }
        return false;
    }
}
