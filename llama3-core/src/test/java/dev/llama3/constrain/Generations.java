package dev.llama3.constrain;

import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random generation under a constraint: random logits, masked, then the best allowed token. */
final class Generations {
    private Generations() {}

    /** One generation's text, or null when it did not complete within {@code maxTokens}. */
    static String generate(Llama3Tokenizer tokenizer, Constraint constraint, SplittableRandom random, int maxTokens) {
        TokenConstraint c = constraint.start();
        float[] logits = new float[tokenizer.vocabSize()];
        List<Integer> out = new ArrayList<>();
        int eot = tokenizer.eotId().orElse(tokenizer.eosId());
        // prefer closing tokens more and more, so that strings and arrays end
        float closing = 0;
        for (int step = 0; step < maxTokens; step++) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) random.nextGaussian();
            }
            for (int id : TokenIndex.of(tokenizer).exitTokens) {
                logits[id] += closing;
            }
            logits[eot] += closing;
            closing += 0.05f;
            c.mask(logits);
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] != Float.NEGATIVE_INFINITY && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                if (!c.isComplete()) {
                    throw new AssertionError("no token allowed in an incomplete state: " + c);
                }
                return tokenizer.decode(out.stream().mapToInt(Integer::intValue).toArray());
            }
            if (tokenizer.endOfGenerationIds().contains(best)) {
                if (!c.isComplete()) {
                    throw new AssertionError("end of generation allowed in an incomplete state: " + c);
                }
                c.accept(best);
                return tokenizer.decode(out.stream().mapToInt(Integer::intValue).toArray());
            }
            c.accept(best);
            out.add(best);
        }
        return null;
    }
}
