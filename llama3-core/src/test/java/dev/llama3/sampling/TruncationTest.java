package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Checks the heap/threshold implementation against a plain full-sort reference of the same definition. */
class TruncationTest {
    private static final int LLAMA3_VOCAB = 128_256;

    /** Every unmasked token, best first: descending logit, ties by ascending id (a full sort). */
    static int[] bestFirst(float[] logits) {
        return IntStream.range(0, logits.length)
                .filter(i -> logits[i] > Float.NEGATIVE_INFINITY)
                .boxed()
                .sorted((a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    static int[] reference(float[] logits, int topK, float topP, float minP) {
        return reference(logits, bestFirst(logits), topK, topP, minP);
    }

    /**
     * The definition, written the slow obvious way over the fully sorted order: cut to k, cut the
     * top-p prefix, cut at min-p. With no truncation at all (top-k of the vocabulary size or more
     * counts as none): every unmasked token in id order.
     */
    static int[] reference(float[] logits, int[] order, int topK, float topP, float minP) {
        if (topK >= logits.length) {
            topK = 0;
        }
        if (topK == 0 && topP == 1f && minP == 0f) {
            return Arrays.stream(order).sorted().toArray();
        }
        int n = topK > 0 ? Math.min(topK, order.length) : order.length;
        double max = logits[order[0]];
        if (topP < 1f) {
            double z = 0;
            for (int i = 0; i < n; i++) {
                z += Math.exp(logits[order[i]] - max);
            }
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += Math.exp(logits[order[i]] - max) / z;
                if (cumulative >= topP) {
                    n = i + 1;
                    break;
                }
            }
        }
        if (minP > 0f) {
            double minLogit = max + Math.log(minP);
            int kept = 1;
            while (kept < n && logits[order[kept]] >= minLogit) {
                kept++;
            }
            n = kept;
        }
        return Arrays.copyOf(order, n);
    }

    private static int[] actual(Truncation t, float[] logits, int topK, float topP, float minP) {
        float[] copy = logits.clone();
        t.apply(copy, topK, topP, minP);
        assertThat(copy).as("input untouched").isEqualTo(logits);
        int[] ids = Arrays.copyOf(t.ids, t.count);
        for (int i = 0; i < t.count; i++) {
            if (t.logits[i] != logits[ids[i]]) { // plain check: this runs over 128K candidates
                throw new AssertionError("candidate " + i + " (token " + ids[i] + ") has logit " + t.logits[i]
                        + ", expected " + logits[ids[i]]);
            }
        }
        return ids;
    }

    /** Logits shaped like a language model's: a Gaussian bulk plus a few strong candidates. */
    private static float[] modelLikeLogits(long seed, int n, double spread, int strong) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (random.nextGaussian() * spread);
        }
        for (int i = 0; i < strong; i++) {
            logits[random.nextInt(n)] += (float) (8 + random.nextDouble() * 8);
        }
        return logits;
    }

    private static final int[] TOP_KS = {0, 1, 40, 1000, LLAMA3_VOCAB - 1, LLAMA3_VOCAB, LLAMA3_VOCAB + 5};
    private static final float[] TOP_PS = {1f, 0.95f, 0.5f, 0.999f, 0.9999999f};
    private static final float[] MIN_PS = {0f, 0.05f, 1e-7f, 1f};

    @Test
    void matchesTheReferenceOnModelLikeDistributions() {
        Truncation t = new Truncation(LLAMA3_VOCAB);
        float[][] cases = {
            modelLikeLogits(1, LLAMA3_VOCAB, 2.0, 5),   // peaked: few strong tokens
            modelLikeLogits(2, LLAMA3_VOCAB, 1.0, 0),   // flat bulk: large nuclei
            modelLikeLogits(3, LLAMA3_VOCAB, 3.0, 50),
        };
        for (int c = 0; c < cases.length; c++) {
            int[] order = bestFirst(cases[c]);
            for (int topK : TOP_KS) {
                for (float topP : TOP_PS) {
                    for (float minP : MIN_PS) {
                        int[] expected = reference(cases[c], order, topK, topP, minP);
                        assertThat(actual(t, cases[c], topK, topP, minP))
                                .as("case %d topK=%d topP=%s minP=%s", c, topK, topP, minP)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void nucleusBeyondTheOptimisticWindowIsFoundByTheSafeThreshold() {
        // One dominant token 20 nats above the rest: the 128K tail holds ~2.6e-4 of the mass, all of
        // it below max - TOP_P_WINDOW, so p = 0.9999 needs tail tokens and forces the second gather.
        float[] logits = modelLikeLogits(4, LLAMA3_VOCAB, 0.5, 0);
        logits[777] = 20f;
        assertThat(20 - Truncation.TOP_P_WINDOW).isGreaterThan(3.0);
        Truncation t = new Truncation(LLAMA3_VOCAB);
        int[] expected = reference(logits, 0, 0.9999f, 0f);
        assertThat(expected.length).isGreaterThan(1);
        assertThat(actual(t, logits, 0, 0.9999f, 0f)).isEqualTo(expected);
        // min-p bounds the gather on its own, with or without top-p
        assertThat(actual(t, logits, 0, 0.9999f, 1e-9f)).isEqualTo(reference(logits, 0, 0.9999f, 1e-9f));
        assertThat(actual(t, logits, 0, 1f, 1e-9f)).isEqualTo(reference(logits, 0, 1f, 1e-9f));
    }

    @Test
    void flatDistributionKeepsTheLowestIdsOnTies() {
        int n = 1000;
        float[] logits = new float[n];
        Arrays.fill(logits, 1.5f);
        Truncation t = new Truncation(n);
        assertThat(actual(t, logits, 10, 1f, 0f)).containsExactly(IntStream.range(0, 10).toArray());
        assertThat(actual(t, logits, 0, 0.5f, 0f)).containsExactly(reference(logits, 0, 0.5f, 0f));
        assertThat(reference(logits, 0, 0.5f, 0f)).hasSize(500).startsWith(0, 1, 2);
        assertThat(actual(t, logits, 0, 1f, 1f)).hasSize(n);
        assertThat(actual(t, logits, 0, 1f, 0f)).containsExactly(IntStream.range(0, n).toArray());
    }

    @Test
    void maskedTokensAreNeverCandidates() {
        float[] logits = modelLikeLogits(5, 5000, 1.0, 3);
        for (int i = 0; i < logits.length; i += 2) {
            logits[i] = Float.NEGATIVE_INFINITY;
        }
        Truncation t = new Truncation(logits.length);
        for (int topK : new int[] {0, 40, 3000}) {
            for (float topP : new float[] {1f, 0.9f}) {
                for (float minP : new float[] {0f, 0.01f}) {
                    int[] got = actual(t, logits, topK, topP, minP);
                    assertThat(got).as("topK=%d topP=%s minP=%s", topK, topP, minP)
                            .containsExactly(reference(logits, topK, topP, minP));
                    assertThat(Arrays.stream(got).allMatch(id -> id % 2 == 1)).as("only odd (unmasked) ids").isTrue();
                }
            }
        }
        // only one token left unmasked
        float[] single = new float[100];
        Arrays.fill(single, Float.NEGATIVE_INFINITY);
        single[42] = -3f;
        Truncation small = new Truncation(100);
        assertThat(actual(small, single, 40, 0.9f, 0.05f)).containsExactly(42);
        assertThat(actual(small, single, 0, 1f, 0f)).containsExactly(42);
    }

    @Test
    void invalidLogitsAreReportedWithTheTokenId() {
        Truncation t = new Truncation(10);
        float[] nan = new float[10];
        nan[7] = Float.NaN;
        float[] inf = new float[10];
        inf[3] = Float.POSITIVE_INFINITY;
        float[] masked = new float[10];
        Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        for (int topK : new int[] {0, 3}) {
            assertThatIllegalArgumentException().isThrownBy(() -> t.apply(nan, topK, 0.9f, 0.05f))
                    .withMessageContaining("token 7").withMessageContaining("NaN");
            assertThatIllegalArgumentException().isThrownBy(() -> t.apply(inf, topK, 0.9f, 0.05f))
                    .withMessageContaining("token 3").withMessageContaining("Infinity");
            assertThatIllegalArgumentException().isThrownBy(() -> t.apply(masked, topK, 1f, 0f))
                    .withMessageContaining("-Infinity");
        }
    }
}
