package dev.llama3.sampling;

/**
 * Checks and scans over a logits vector shared by the sampling steps.
 *
 * <p>Allowed values are finite numbers and {@code -Infinity}, which masks a token out (it can never be
 * chosen). {@code NaN} and {@code +Infinity} mean the forward pass went wrong, so they are reported
 * instead of being silently sampled around.
 */
final class Logits {
    private Logits() {}

    /**
     * The id of the largest logit in {@code logits[0..n)}; ties go to the lowest id.
     *
     * @throws IllegalArgumentException on NaN or +Infinity, or when every token is masked
     */
    static int argmax(float[] logits, int n) {
        int best = -1;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float l = logits[i];
            if (l > bestLogit) { // strict: an equal logit later in the array never wins
                if (l == Float.POSITIVE_INFINITY) {
                    throw invalid(i, l);
                }
                bestLogit = l;
                best = i;
            } else if (l != l) {
                throw invalid(i, l);
            }
        }
        if (best < 0) {
            throw allMasked(n);
        }
        return best;
    }

    static IllegalArgumentException invalid(int token, float logit) {
        return new IllegalArgumentException("logit of token " + token + " is " + logit
                + "; logits must be finite, or -Infinity to mask a token");
    }

    static IllegalArgumentException allMasked(int n) {
        return new IllegalArgumentException("all " + n + " logits are -Infinity: no token can be sampled");
    }
}
