package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ComputePoolTest {
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3, 8})
    void coversEveryIndexExactlyOnceInContiguousChunks(int threads) {
        try (ComputePool pool = new ComputePool(threads)) {
            assertThat(pool.threads()).isEqualTo(threads);
            for (int count : new int[] {0, 1, 2, 5, 31, 100, 4097, 100_000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                AtomicInteger calls = new AtomicInteger();
                pool.parallelFor(count, (from, to) -> {
                    assertThat(from).isLessThan(to);
                    calls.incrementAndGet();
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(hits.get(i)).as("index %d of %d", i, count).isEqualTo(1);
                }
                assertThat(calls.get()).isLessThanOrEqualTo(Math.max(1, Math.min(count, 4 * threads)));
            }
        }
    }

    @Test
    void usesTheWorkersAndTheCaller() throws InterruptedException {
        try (ComputePool pool = new ComputePool(3)) {
            Set<String> names = ConcurrentHashMap.newKeySet();
            CountDownLatch allThree = new CountDownLatch(3);
            // each chunk waits until three distinct threads have started one: proves the work really spreads
            pool.parallelFor(3, (from, to) -> {
                if (names.add(Thread.currentThread().getName())) {
                    allThree.countDown();
                }
                try {
                    allThree.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(names).hasSize(3).contains(Thread.currentThread().getName());
            assertThat(names.stream().filter(n -> n.startsWith("llama3-compute-"))).hasSize(2);
        }
    }

    @Test
    void aSingleThreadPoolRunsOnTheCaller() {
        try (ComputePool pool = new ComputePool(1)) {
            List<String> names = new ArrayList<>();
            pool.parallelFor(10, (from, to) -> names.add(Thread.currentThread().getName() + ":" + from + "-" + to));
            assertThat(names).containsExactly(Thread.currentThread().getName() + ":0-10");
        }
    }

    @Test
    void propagatesTheFirstExceptionAndStaysUsable() {
        try (ComputePool pool = new ComputePool(4)) {
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> pool.parallelFor(1000, (from, to) -> {
                if (from <= 500 && 500 < to) {
                    throw boom;
                }
            })).isSameAs(boom);
            assertThatThrownBy(() -> pool.parallelFor(64, (from, to) -> {
                throw new AssertionError("error " + from);
            })).isInstanceOf(AssertionError.class).hasMessageStartingWith("error ");
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(100, (from, to) -> sum.addAndGet(to - from));
            assertThat(sum.get()).isEqualTo(100);
        }
    }

    @Test
    void nestedCallsRunInlineAndConcurrentCallersAreSerialized() throws Exception {
        try (ComputePool pool = new ComputePool(4)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                AtomicInteger inner = new AtomicInteger();
                pool.parallelFor(8, (from, to) -> pool.parallelFor(10, (a, b) -> inner.addAndGet(b - a)));
                assertThat(inner.get()).isEqualTo(80);

                int callers = 4;
                AtomicInteger total = new AtomicInteger();
                List<Thread> threads = new ArrayList<>();
                List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int c = 0; c < callers; c++) {
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            for (int rep = 0; rep < 500; rep++) {
                                AtomicIntegerArray hits = new AtomicIntegerArray(97);
                                pool.parallelFor(97, (from, to) -> {
                                    for (int i = from; i < to; i++) {
                                        hits.incrementAndGet(i);
                                    }
                                });
                                for (int i = 0; i < 97; i++) {
                                    assertThat(hits.get(i)).isEqualTo(1);
                                }
                                total.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    });
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(failures).isEmpty();
                assertThat(total.get()).isEqualTo(callers * 500);
            });
        }
    }

    @Test
    void manySmallJobsInARowDoNotLoseWakeUps() {
        try (ComputePool pool = new ComputePool(3)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                long[] sums = new long[1];
                for (int rep = 0; rep < 20_000; rep++) {
                    AtomicInteger n = new AtomicInteger();
                    pool.parallelFor(12, (from, to) -> n.addAndGet(to - from));
                    sums[0] += n.get();
                    if (rep % 5000 == 0) {
                        Thread.sleep(2); // let the workers park, then wake them again
                    }
                }
                assertThat(sums[0]).isEqualTo(12L * 20_000);
            });
        }
    }

    @Test
    void closeStopsTheWorkersAndRejectsNewLoops() throws InterruptedException {
        ComputePool pool = new ComputePool(3);
        pool.parallelFor(10, (from, to) -> { });
        pool.close();
        pool.close(); // idempotent
        assertThatThrownBy(() -> pool.parallelFor(10, (from, to) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.liveWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pool.liveWorkers()).isZero();
        assertThat(pool.toString()).contains("closed");
    }

    @Test
    void validatesArguments() {
        assertThatThrownBy(() -> new ComputePool(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComputePool(-3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComputePool.defaultThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(-1, (from, to) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pool.parallelFor(3, null)).isInstanceOf(NullPointerException.class);
        }
    }
}
