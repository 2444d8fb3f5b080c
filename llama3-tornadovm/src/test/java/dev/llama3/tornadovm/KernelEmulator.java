package dev.llama3.tornadovm;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * Runs a {@link KernelContext} kernel as plain Java with real work-group semantics: every work-item of a group on its
 * own thread, {@code localBarrier()} a barrier across them, local arrays shared by the group. (Run one item at a time,
 * the barriers and local-memory reductions of the kernels would go untested.)
 */
final class KernelEmulator {
    private KernelEmulator() {}

    /** Runs {@code kernel} over {@code global} work-items in groups of {@code local}, one group after another. */
    static void run(int global, int local, Consumer<KernelContext> kernel) {
        if (global % local != 0) {
            throw new IllegalArgumentException("global size " + global + " is not a multiple of " + local);
        }
        for (int group = 0; group < global / local; group++) {
            CyclicBarrier barrier = new CyclicBarrier(local);
            List<float[]> localArrays = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int lid = 0; lid < local; lid++) {
                Item item = new Item(barrier, localArrays);
                set(item, "globalIdx", group * local + lid);
                set(item, "groupIdx", group);
                set(item, "localIdx", lid);
                set(item, "localGroupSizeX", local);
                set(item, "globalGroupSizeX", global);
                threads.add(Thread.ofVirtual().unstarted(() -> {
                    try {
                        kernel.accept(item);
                    } catch (Throwable t) {
                        failures.add(t);
                        barrier.reset();
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!failures.isEmpty()) {
                throw new AssertionError("work-group " + group + " failed", failures.get(0));
            }
        }
    }

    private static void set(KernelContext c, String field, int value) {
        try {
            Field f = KernelContext.class.getField(field);
            f.setAccessible(true);
            f.set(c, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set KernelContext." + field, e);
        }
    }

    /** One work-item's context. */
    private static final class Item extends KernelContext {
        private final CyclicBarrier barrier;
        private final List<float[]> localArrays;
        private int allocated;

        Item(CyclicBarrier barrier, List<float[]> localArrays) {
            this.barrier = barrier;
            this.localArrays = localArrays;
        }

        @Override
        public void localBarrier() {
            try {
                barrier.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException("work-group barrier broken", e);
            }
        }

        /** The group's n-th local array is the same object for every item (allocated by the first to ask). */
        @Override
        public float[] allocateFloatLocalArray(int size) {
            synchronized (localArrays) {
                if (allocated == localArrays.size()) {
                    localArrays.add(new float[size]);
                }
                return localArrays.get(allocated++);
            }
        }
    }
}
