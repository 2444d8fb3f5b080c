package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final int LLAMA3_VOCAB = 128_256;

    private static float[] randomLogits(SplittableRandom random, int n) {
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
        return logits;
    }

    private static int argmaxLowestId(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static SamplingOptions.Builder sampling() {
        return SamplingOptions.builder().seed(1234);
    }

    // ---- greedy ---------------------------------------------------------------------------------

    @Test
    void greedyPicksTheArgmaxWithTiesToTheLowestId() {
        Sampler greedy = new Sampler(SamplingOptions.greedy(), 6);
        assertThat(greedy.sample(new float[] {0.1f, 3f, -2f, 3f, 2.9f, 3f}, IntSequence.empty())).isEqualTo(1);
        assertThat(greedy.sample(new float[] {5f, 5f, 5f, 5f, 5f, 5f}, IntSequence.empty())).isZero();
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, -7f, Float.NEGATIVE_INFINITY, -8f, -7f};
        assertThat(greedy.sample(masked, IntSequence.empty())).isEqualTo(2);
        assertThat(greedy.sample(new float[] {-0.0f, 0.0f, -1f, -1f, -1f, -1f}, IntSequence.empty())).isZero();

        SplittableRandom random = new SplittableRandom(9);
        Sampler big = new Sampler(SamplingOptions.greedy(), LLAMA3_VOCAB);
        for (int trial = 0; trial < 5; trial++) {
            float[] logits = randomLogits(random, LLAMA3_VOCAB);
            assertThat(big.sample(logits.clone(), IntSequence.empty())).isEqualTo(argmaxLowestId(logits));
        }
    }

    @Test
    void topKOfOneEqualsGreedy() {
        SplittableRandom random = new SplittableRandom(10);
        Sampler topOne = new Sampler(sampling().temperature(1.7f).topK(1).topP(0.3f).minP(0f).build(), 300);
        for (int trial = 0; trial < 2000; trial++) {
            float[] logits = randomLogits(random, 300);
            if (trial % 3 == 0) { // force ties at the top
                int a = random.nextInt(300);
                int b = random.nextInt(300);
                logits[a] = logits[b] = 50f;
            }
            assertThat(topOne.sample(logits.clone(), IntSequence.empty()))
                    .as("trial %d", trial)
                    .isEqualTo(argmaxLowestId(logits));
        }
    }

    // ---- determinism ----------------------------------------------------------------------------

    private static int[] generate(SamplingOptions options, int vocab, int steps, long logitsSeed) {
        SplittableRandom logitsSource = new SplittableRandom(logitsSeed);
        Sampler sampler = new Sampler(options, vocab);
        IntList history = new IntList();
        for (int step = 0; step < steps; step++) {
            history.add(sampler.sample(randomLogits(logitsSource, vocab), history));
        }
        return history.toArray();
    }

    @Test
    void sameSeedGivesTheSameSequenceAndAnotherSeedAnother() {
        SamplingOptions[] configurations = {
            sampling().build(),
            sampling().topK(0).topP(0.9f).minP(0f).temperature(1.2f).build(),
            sampling().topK(0).topP(1f).minP(0f).temperature(1f).repetitionPenalty(1.2f).build(),
        };
        for (SamplingOptions options : configurations) {
            int[] first = generate(options, 2000, 200, 77);
            int[] again = generate(options, 2000, 200, 77);
            int[] otherSeed = generate(options.toBuilder().seed(options.seed() + 1).build(), 2000, 200, 77);
            assertThat(again).as("%s", options).isEqualTo(first);
            assertThat(otherSeed).as("%s", options).isNotEqualTo(first);
        }
    }

    @Test
    void resetReplaysTheRandomStream() {
        float[] logits = new float[50]; // uniform: every draw depends on the random stream
        Sampler sampler = new Sampler(sampling().topK(0).topP(1f).minP(0f).temperature(1f).build(), 50);
        sampler.reset(5);
        int[] first = new int[100];
        for (int i = 0; i < first.length; i++) {
            first[i] = sampler.sample(logits.clone(), IntSequence.empty());
        }
        sampler.reset(5);
        int[] second = new int[100];
        for (int i = 0; i < second.length; i++) {
            second[i] = sampler.sample(logits.clone(), IntSequence.empty());
        }
        assertThat(second).isEqualTo(first);
        assertThat(Arrays.stream(first).distinct().count()).isGreaterThan(30);
    }

    // ---- distribution ---------------------------------------------------------------------------

    /** softmax(logit / temperature) over {@code kept}, zero elsewhere. */
    private static double[] expectedProbabilities(float[] logits, int[] kept, float temperature) {
        double[] p = new double[logits.length];
        double max = Arrays.stream(kept).mapToDouble(i -> logits[i]).max().orElseThrow();
        double z = 0;
        for (int id : kept) {
            p[id] = Math.exp((logits[id] - max) / temperature);
            z += p[id];
        }
        for (int id : kept) {
            p[id] /= z;
        }
        return p;
    }

    private static void assertDrawsFollow(SamplingOptions options, float[] logits, int draws, double tolerance) {
        int[] kept = TruncationTest.reference(logits, options.topK(), options.topP(), options.minP());
        double[] expected = expectedProbabilities(logits, kept, options.temperature());
        int[] counts = new int[logits.length];
        Sampler sampler = new Sampler(options, logits.length);
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits.clone(), IntSequence.empty())]++;
        }
        for (int id = 0; id < logits.length; id++) {
            double observed = counts[id] / (double) draws;
            if (expected[id] == 0) {
                assertThat(counts[id]).as("token %d is truncated away (%s)", id, options).isZero();
            } else {
                assertThat(observed).as("frequency of token %d (%s)", id, options).isCloseTo(expected[id], within(tolerance));
            }
        }
    }

    private static final float[] SMALL = {2.0f, 1.6f, 1.1f, 0.7f, 0.2f, -0.4f, -1.0f, -2.5f, Float.NEGATIVE_INFINITY, 0.9f};

    @Test
    void topPExcludesTheTailAndRenormalises() {
        SamplingOptions options = sampling().topK(0).topP(0.7f).minP(0f).temperature(1f).build();
        int[] kept = TruncationTest.reference(SMALL, 0, 0.7f, 0f);
        assertThat(kept.length).as("the test needs a non-trivial nucleus").isBetween(2, 6);
        assertDrawsFollow(options, SMALL, 200_000, 0.006);
    }

    @Test
    void minPExcludesTheTailAndRenormalises() {
        SamplingOptions options = sampling().topK(0).topP(1f).minP(0.3f).temperature(0.7f).build();
        int[] kept = TruncationTest.reference(SMALL, 0, 1f, 0.3f);
        assertThat(kept.length).as("the test needs a non-trivial min-p set").isBetween(2, 7);
        assertDrawsFollow(options, SMALL, 200_000, 0.006);
    }

    @Test
    void chainedTruncationsAndTemperature() {
        assertDrawsFollow(sampling().topK(5).topP(0.9f).minP(0.1f).temperature(1.5f).build(), SMALL, 200_000, 0.006);
        assertDrawsFollow(sampling().topK(3).topP(1f).minP(0f).temperature(0.5f).build(), SMALL, 200_000, 0.006);
    }

    @Test
    void withoutTruncationTheFullSoftmaxAtTheTemperatureIsSampled() {
        assertDrawsFollow(sampling().topK(0).topP(1f).minP(0f).temperature(2f).build(), SMALL, 200_000, 0.006);
        assertDrawsFollow(sampling().topK(0).topP(1f).minP(0f).temperature(0.25f).build(), SMALL, 200_000, 0.006);
    }

    @Test
    void defaultsOnTheLlama3VocabularyStayWithinTheTopForty() {
        SplittableRandom random = new SplittableRandom(11);
        Sampler sampler = new Sampler(sampling().build(), LLAMA3_VOCAB);
        for (int trial = 0; trial < 20; trial++) {
            float[] logits = randomLogits(random, LLAMA3_VOCAB);
            int[] top40 = Arrays.copyOf(TruncationTest.bestFirst(logits), 40);
            int token = sampler.sample(logits.clone(), IntSequence.empty());
            assertThat(top40).contains(token);
        }
    }

    // ---- penalties ------------------------------------------------------------------------------

    @Test
    void penaltiesChangeTheLogitsAsSpecified() {
        float repeat = 1.3f;
        float frequency = 0.2f;
        float presence = 0.5f;
        SamplingOptions options = SamplingOptions.greedy().toBuilder()
                .repetitionPenalty(repeat).frequencyPenalty(frequency).presencePenalty(presence).penaltyLastN(5)
                .build();
        float[] original = {0.5f, 2.0f, -1.0f, 3.0f, 0f, -1.0f, 4.0f, 1.0f, 0.25f, 2.0f};
        // outside the window: 1, 2, 3; inside (last 5): 9, 5, 5, 5, 0
        IntSequence history = IntSequence.of(1, 2, 3, 3, 9, 5, 5, 5, 0);

        float[] logits = original.clone();
        new Sampler(options, original.length).sample(logits, history);

        float[] expected = original.clone();
        expected[9] = original[9] / repeat - (1 * frequency + presence);  // positive: divided
        expected[5] = original[5] * repeat - (3 * frequency + presence);  // negative: multiplied, once
        expected[0] = original[0] / repeat - (1 * frequency + presence);
        assertThat(logits).containsExactly(expected, within(1e-6f));
        assertThat(logits[1]).isEqualTo(original[1]);
        assertThat(logits[3]).isEqualTo(original[3]);
    }

    @Test
    void repetitionPenaltyCanChangeTheGreedyChoice() {
        SamplingOptions options = SamplingOptions.greedy().toBuilder().repetitionPenalty(2f).penaltyLastN(3).build();
        Sampler sampler = new Sampler(options, 4);
        assertThat(sampler.sample(new float[] {1f, 3f, 2f, 0f}, IntSequence.of(1))).isEqualTo(2);
        assertThat(sampler.sample(new float[] {1f, 3f, 2f, 0f}, IntSequence.of(1, 0, 0, 0))).isEqualTo(1);
    }

    @Test
    void penaltiesAreOffWhenNeutralOrTheWindowIsEmpty() {
        float[] original = {1f, -1f, 2f};
        float[] logits = original.clone();
        new Sampler(SamplingOptions.greedy(), 3).sample(logits, IntSequence.of(0, 1, 2));
        assertThat(logits).isEqualTo(original);
        logits = original.clone();
        SamplingOptions noWindow = SamplingOptions.greedy().toBuilder().repetitionPenalty(2f).penaltyLastN(0).build();
        new Sampler(noWindow, 3).sample(logits, IntSequence.of(0, 1, 2));
        assertThat(logits).isEqualTo(original);
    }

    @Test
    void aBadHistoryTokenIsReportedAndLeavesNoTrace() {
        SamplingOptions options = SamplingOptions.greedy().toBuilder().frequencyPenalty(1f).penaltyLastN(10).build();
        Sampler sampler = new Sampler(options, 4);
        float[] logits = {1f, 2f, 3f, 4f};
        assertThatIllegalArgumentException()
                .isThrownBy(() -> sampler.sample(logits, IntSequence.of(0, 1, 7)))
                .withMessageContaining("history[2] = 7");
        assertThat(logits).containsExactly(1f, 2f, 3f, 4f);
        float[] next = {1f, 2f, 3f, 4f};
        sampler.sample(next, IntSequence.of(3));
        assertThat(next).containsExactly(1f, 2f, 3f, 3f); // counts from the failed call were cleared
        assertThatIllegalArgumentException()
                .isThrownBy(() -> sampler.sample(new float[4], IntSequence.of(-1)))
                .withMessageContaining("history[0] = -1");
    }

    // ---- input checks ---------------------------------------------------------------------------

    @Test
    void badInputsAreReported() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Sampler(SamplingOptions.greedy(), 0))
                .withMessageContaining("vocabSize");
        Sampler sampler = new Sampler(sampling().build(), 8);
        assertThatIllegalArgumentException().isThrownBy(() -> sampler.sample(new float[7], IntSequence.empty()))
                .withMessageContaining("7 entries");
        float[] nan = new float[8];
        nan[6] = Float.NaN;
        assertThatIllegalArgumentException().isThrownBy(() -> sampler.sample(nan, IntSequence.empty()))
                .withMessageContaining("token 6");
        Sampler greedy = new Sampler(SamplingOptions.greedy(), 8);
        assertThatIllegalArgumentException().isThrownBy(() -> greedy.sample(nan, IntSequence.empty()))
                .withMessageContaining("token 6");
        float[] masked = new float[8];
        Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        assertThatIllegalArgumentException().isThrownBy(() -> greedy.sample(masked, IntSequence.empty()))
                .withMessageContaining("-Infinity");
        // longer arrays (padded vocabularies) are fine: the tail is ignored
        float[] padded = new float[12];
        padded[10] = 100f;
        padded[3] = 1f;
        assertThat(greedy.sample(padded, IntSequence.empty())).isEqualTo(3);
    }

    // ---- allocation -----------------------------------------------------------------------------

    @Test
    void samplingAllocatesNothingPerCall() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        var counter = (com.sun.management.ThreadMXBean) threads;
        counter.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().threadId();

        SplittableRandom random = new SplittableRandom(12);
        float[][] inputs = new float[4][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = randomLogits(random, LLAMA3_VOCAB);
        }
        float[] work = new float[LLAMA3_VOCAB];
        IntList history = new IntList(256);
        for (int i = 0; i < 200; i++) {
            history.add(random.nextInt(LLAMA3_VOCAB));
        }
        SamplingOptions[] configurations = {
            sampling().repetitionPenalty(1.1f).build(),
            sampling().topK(0).topP(0.9f).minP(0f).build(),
            sampling().topK(0).topP(1f).minP(0f).build(),
            SamplingOptions.greedy(),
        };
        for (SamplingOptions options : configurations) {
            Sampler sampler = new Sampler(options, LLAMA3_VOCAB);
            int calls = 60;
            for (int warm = 0; warm < calls; warm++) {
                System.arraycopy(inputs[warm % inputs.length], 0, work, 0, LLAMA3_VOCAB);
                sampler.sample(work, history);
            }
            long before = counter.getThreadAllocatedBytes(thread);
            for (int i = 0; i < calls; i++) {
                System.arraycopy(inputs[i % inputs.length], 0, work, 0, LLAMA3_VOCAB);
                sampler.sample(work, history);
            }
            long allocated = counter.getThreadAllocatedBytes(thread) - before;
            assertThat(allocated).as("bytes allocated by %d calls with %s", calls, options).isLessThan(calls);
        }
    }
}
