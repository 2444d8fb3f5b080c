package dev.llama3.sampling;

/**
 * Top-k, then top-p, then min-p over a logits vector: the candidate set the sampler draws from.
 *
 * <p>Probabilities used by top-p and min-p are the softmax of the raw (temperature 1) logits over the
 * candidates still in the set, as in llama.cpp's sampler chain. The result lists the candidates best
 * first (descending logit, ties by ascending id) whenever any truncation is active; with none active
 * (a top-k of the vocabulary size or more counts as none) it is every unmasked token in id order.
 *
 * <p>Nothing here sorts the vocabulary. Top-k is a bounded heap in one pass. Top-p and min-p keep a
 * prefix of the best-first order, so candidates are pulled from a heap only as far as that prefix
 * reaches. Without top-k, a threshold first restricts the heap to tokens that can be in the prefix:
 * <ul>
 *   <li>min-p keeps exactly the tokens with {@code logit >= max + ln(minP)};</li>
 *   <li>for top-p, any threshold above which the probability mass is at least {@code topP} contains
 *       the nucleus. An optimistic window ({@code max - 12}) is tried first; if it holds too little
 *       mass, {@code prob >= (1 - topP) / n} is used, which always qualifies because the {@code n}
 *       tokens below it hold less than {@code 1 - topP} together.</li>
 * </ul>
 * Not thread-safe; all buffers are preallocated to the vocabulary size.
 */
final class Truncation {
    /** Width, in nats below the max logit, of the first guess at the top-p nucleus (ratio ~6e-6). */
    static final double TOP_P_WINDOW = 12.0;

    private final int vocabSize;
    private final CandidateHeap heap;
    /** Candidate ids, {@code [0, count)}. */
    final int[] ids;
    /** Candidate logits, parallel to {@link #ids}; the sampler may overwrite them with weights. */
    final float[] logits;
    /** Number of candidates. */
    int count;
    /** Largest logit over all unmasked tokens (always a candidate). */
    float maxLogit;

    private int unmaskedCount;

    Truncation(int vocabSize) {
        this.vocabSize = vocabSize;
        this.heap = new CandidateHeap(vocabSize);
        this.ids = new int[vocabSize];
        this.logits = new float[vocabSize];
    }

    /**
     * Computes the candidate set of {@code in[0..vocabSize)}; results in {@link #ids}, {@link #logits},
     * {@link #count}, {@link #maxLogit}. {@code in} is not modified.
     *
     * @param topK 0 = disabled; the vocabulary size or more is the same as disabled
     * @param topP 1 = disabled
     * @param minP 0 = disabled
     * @throws IllegalArgumentException on NaN or +Infinity logits, or when every token is masked
     */
    void apply(float[] in, int topK, float topP, float minP) {
        heap.clear();
        boolean topPActive = topP < 1f;
        boolean minPActive = minP > 0f;
        double minLogit = Double.NEGATIVE_INFINITY;
        double z = Double.NaN; // softmax normaliser relative to maxLogit, over the top-k set
        if (topK > 0 && topK < vocabSize) {
            selectTopK(in, topK);
            heap.orderBestFirst();
            maxLogit = CandidateHeap.logit(heap.peekBest());
            if (topPActive) {
                z = heap.sumExp(maxLogit);
            }
            if (minPActive) {
                minLogit = maxLogit + Math.log(minP);
            }
        } else {
            scanMax(in);
            if (!topPActive && !minPActive) {
                takeAllInIdOrder(in);
                return;
            }
            if (minPActive) {
                minLogit = maxLogit + Math.log(minP);
            }
            if (topPActive) {
                z = gatherForTopP(in, topP, minLogit);
            } else {
                gather(in, minLogit);
            }
            heap.orderBestFirst();
        }
        takeBestFirst(topPActive ? topP * z : Double.NaN, minLogit);
    }

    /** One pass keeping the k best unmasked tokens; validates every logit. */
    private void selectTopK(float[] in, int k) {
        // Fast rejection on the float alone: a token enters only if strictly above the worst kept one
        // (equal logits lose to the lower id already kept, since ids are visited in ascending order).
        float cutoff = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            float l = in[i];
            if (l > cutoff) {
                if (l == Float.POSITIVE_INFINITY) {
                    throw Logits.invalid(i, l);
                }
                heap.offerBounded(CandidateHeap.key(i, l), k);
                if (heap.size() == k) {
                    cutoff = CandidateHeap.logit(heap.worst());
                }
            } else if (l != l) {
                throw Logits.invalid(i, l);
            }
        }
        if (heap.size() == 0) {
            throw Logits.allMasked(vocabSize);
        }
    }

    /** One pass for the max logit and the number of unmasked tokens; validates every logit. */
    private void scanMax(float[] in) {
        float max = Float.NEGATIVE_INFINITY;
        int unmasked = 0;
        for (int i = 0; i < vocabSize; i++) {
            float l = in[i];
            if (l > Float.NEGATIVE_INFINITY) {
                if (l == Float.POSITIVE_INFINITY) {
                    throw Logits.invalid(i, l);
                }
                unmasked++;
                if (l > max) {
                    max = l;
                }
            } else if (l != l) {
                throw Logits.invalid(i, l);
            }
        }
        if (unmasked == 0) {
            throw Logits.allMasked(vocabSize);
        }
        maxLogit = max;
        unmaskedCount = unmasked;
    }

    private void takeAllInIdOrder(float[] in) {
        int n = 0;
        for (int i = 0; i < vocabSize; i++) {
            float l = in[i];
            if (l > Float.NEGATIVE_INFINITY) {
                ids[n] = i;
                logits[n] = l;
                n++;
            }
        }
        count = n;
    }

    /** Puts every token with {@code logit >= threshold} into the heap (unordered). */
    private void gather(float[] in, double threshold) {
        for (int i = 0; i < vocabSize; i++) {
            float l = in[i];
            if (l >= threshold && l > Float.NEGATIVE_INFINITY) {
                heap.add(CandidateHeap.key(i, l));
            }
        }
    }

    /**
     * Fills the heap with a superset of the top-p nucleus (intersected with the min-p set) and returns
     * the softmax normaliser over all unmasked tokens.
     */
    private double gatherForTopP(float[] in, float topP, double minLogit) {
        double max = maxLogit;
        double threshold = Math.max(minLogit, max - TOP_P_WINDOW);
        double z = 0;
        double gathered = 0;
        for (int i = 0; i < vocabSize; i++) {
            float l = in[i];
            if (l > Float.NEGATIVE_INFINITY) {
                double e = Math.exp(l - max);
                z += e;
                if (l >= threshold) {
                    heap.add(CandidateHeap.key(i, l));
                    gathered += e;
                }
            }
        }
        // When min-p set the threshold, the heap holds the whole min-p set: the final set is a prefix
        // of it whether or not the nucleus reaches further. Otherwise the window must hold mass >= topP.
        if (threshold > minLogit && gathered < topP * z) {
            double safe = max + Math.log(z * (1.0 - topP) / unmaskedCount);
            heap.clear();
            gather(in, Math.max(minLogit, Math.min(safe, threshold)));
        }
        return z;
    }

    /**
     * Pulls candidates best first: stops before the first one below {@code minLogit} (min-p), or after
     * the one that brings the cumulative mass to {@code targetMass} (top-p; NaN = disabled). The best
     * candidate is always kept.
     */
    private void takeBestFirst(double targetMass, double minLogit) {
        boolean topP = !Double.isNaN(targetMass);
        double max = maxLogit;
        double mass = 0;
        int n = 0;
        while (heap.size() > 0) {
            long key = heap.pollBest();
            float l = CandidateHeap.logit(key);
            if (n > 0 && l < minLogit) {
                break;
            }
            ids[n] = CandidateHeap.id(key);
            logits[n] = l;
            n++;
            if (topP) {
                mass += Math.exp(l - max);
                if (mass >= targetMass) {
                    break;
                }
            }
        }
        count = n;
    }
}
