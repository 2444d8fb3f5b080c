package dev.llama3.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CandidateHeapTest {

    private static final float[] SPECIAL = {
        Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1e30f, -2.5f, -Float.MIN_VALUE, 0f, Float.MIN_VALUE, 1f,
        3.75f, 1e30f, Float.MAX_VALUE
    };

    @Test
    void keysRoundTripIdAndLogit() {
        for (float l : SPECIAL) {
            for (int id : new int[] {0, 1, 128_255, Integer.MAX_VALUE}) {
                long key = CandidateHeap.key(id, l);
                assertThat(CandidateHeap.id(key)).isEqualTo(id);
                assertThat(CandidateHeap.logit(key)).isEqualTo(l);
            }
        }
        assertThat(CandidateHeap.logit(CandidateHeap.key(3, -0.0f))).isEqualTo(0.0f);
    }

    @Test
    void keyOrderIsDescendingLogitThenAscendingId() {
        for (int a = 0; a < SPECIAL.length; a++) {
            for (int b = 0; b < SPECIAL.length; b++) {
                long ka = CandidateHeap.key(5, SPECIAL[a]);
                long kb = CandidateHeap.key(5, SPECIAL[b]);
                assertThat(Long.signum(Long.compare(ka, kb)))
                        .as("%s vs %s", SPECIAL[a], SPECIAL[b])
                        .isEqualTo(-Integer.signum(Float.compare(SPECIAL[a], SPECIAL[b])));
            }
        }
        assertThat(CandidateHeap.key(1, 2f)).isLessThan(CandidateHeap.key(2, 2f));
        assertThat(CandidateHeap.key(1, -0.0f)).isLessThan(CandidateHeap.key(2, 0.0f));
        assertThat(CandidateHeap.key(9, 2f)).isLessThan(CandidateHeap.key(1, 1.9999999f));
    }

    @Test
    void boundedOfferKeepsTheBestAndPollsThemInOrder() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 5000;
        int k = 37;
        CandidateHeap heap = new CandidateHeap(n);
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long key = CandidateHeap.key(i, (float) Math.floor(random.nextGaussian() * 20) / 4);
            all.add(key);
            heap.offerBounded(key, k);
        }
        all.sort(Comparator.naturalOrder());
        heap.orderBestFirst();
        List<Long> polled = new ArrayList<>();
        while (heap.size() > 0) {
            polled.add(heap.pollBest());
        }
        assertThat(polled).isEqualTo(all.subList(0, k));
    }
}
