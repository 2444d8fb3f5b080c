package dev.llama3.tensor;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of daemon threads for data-parallel loops: {@code threads - 1} workers plus the calling thread.
 *
 * <p>{@link #parallelFor} is called many times per token (every matrix product), so a hand-off must cost
 * microseconds, not the tens of microseconds of an executor submission: the caller publishes the job in one
 * atomic word, workers that are spinning pick it up at once, parked ones are unparked. Workers spin for a short
 * while after each job before parking, so back-to-back jobs skip the park/unpark round trip.
 *
 * <p>A job's range is cut into up to {@code 4 * threads} contiguous chunks that threads claim one at a time,
 * so a thread that is descheduled (a busy machine) delays the job by at most one chunk. A call made while the
 * pool is already running a job on behalf of the same thread (a task that itself calls {@code parallelFor}) runs
 * inline; calls from other threads wait for the running job (they are serialized).
 */
public final class ComputePool implements AutoCloseable {
    /** A body of a parallel loop over the index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final int CHUNKS_PER_THREAD = 4;
    private static final int MAX_THREADS = 1024;
    /** How long an idle worker spins for the next job before parking. */
    private static final long SPIN_NANOS = 100_000;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    // The current job, packed: epoch (bits 32..63) | number of chunks (16..31) | next unclaimed chunk (0..15).
    // Claiming is one getAndIncrement; the epoch in the returned value says which job the chunk belongs to.
    private final AtomicLong state = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile RangeTask task;
    private volatile int count;
    private volatile Throwable failure;
    private volatile Thread waiter;
    private volatile Thread owner;
    private volatile boolean closed;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock lock = new ReentrantLock();

    /** A pool that runs loops on {@code threads} threads: the caller and {@code threads - 1} daemon workers. */
    public ComputePool(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        int id = POOL_IDS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("llama3-compute-" + id + "-" + (i + 1));
            workers[i].start();
        }
    }

    /** The number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads that run a loop, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, count)}, split into contiguous chunks across the pool's threads, and
     * returns when every chunk is done. The first exception thrown by a chunk is rethrown here (after all
     * running chunks have finished; chunks not yet started are skipped).
     */
    public void parallelFor(int count, RangeTask task) {
        Objects.requireNonNull(task, "task");
        if (count < 0) {
            throw new IllegalArgumentException("count " + count + " < 0");
        }
        if (closed) {
            throw new IllegalStateException("ComputePool is closed");
        }
        if (count == 0) {
            return;
        }
        Thread me = Thread.currentThread();
        if (threads == 1 || count == 1 || owner == me || (me instanceof Worker w && w.pool() == this)) {
            task.run(0, count);
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("ComputePool is closed");
            }
            owner = me;
            runJob(count, task);
        } finally {
            owner = null;
            lock.unlock();
        }
    }

    private void runJob(int count, RangeTask task) {
        int chunks = Math.min(count, threads * CHUNKS_PER_THREAD);
        this.task = task;
        this.count = count;
        this.failure = null;
        completed.set(0);
        long epoch = ((state.get() >>> 32) + 1) & 0xFFFF_FFFFL;
        state.set(epoch << 32 | (long) chunks << 16);
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        claimAndRun();
        awaitCompletion(chunks);
        this.task = null;
        Throwable f = failure;
        failure = null;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("parallel task failed", f);
        }
    }

    /** Claims and runs chunks of the current job until none is left; returns the epoch last seen. */
    private long claimAndRun() {
        while (true) {
            long s = state.getAndIncrement();
            int next = (int) (s & 0xFFFF);
            int chunks = (int) ((s >>> 16) & 0xFFFF);
            if (next >= chunks) {
                return s >>> 32;
            }
            // The job cannot finish before this chunk does, so task and count are this job's.
            int n = count;
            int from = (int) ((long) next * n / chunks);
            int to = (int) ((long) (next + 1) * n / chunks);
            if (failure == null) {
                try {
                    task.run(from, to);
                } catch (Throwable e) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                }
            }
            if (completed.incrementAndGet() == chunks) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private void awaitCompletion(int chunks) {
        long deadline = 0;
        int spins = 0;
        while (completed.get() != chunks) {
            if ((++spins & 63) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + SPIN_NANOS;
            } else if (now - deadline > 0) {
                waiter = Thread.currentThread();
                if (completed.get() != chunks) {
                    LockSupport.parkNanos(this, 1_000_000);
                }
                waiter = null;
            }
        }
    }

    /** Stops the workers. Loops started afterwards fail with IllegalStateException. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** Workers still running (tests: they exit after {@link #close()}). */
    int liveWorkers() {
        int n = 0;
        for (Worker w : workers) {
            if (w.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "ComputePool[threads=" + threads + (closed ? ", closed]" : "]");
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        ComputePool pool() {
            return ComputePool.this;
        }

        @Override
        public void run() {
            long seen = state.get() >>> 32;
            while (true) {
                long deadline = 0;
                int spins = 0;
                while ((state.get() >>> 32) == seen) {
                    if (closed) {
                        return;
                    }
                    if ((++spins & 63) != 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long now = System.nanoTime();
                    if (deadline == 0) {
                        deadline = now + SPIN_NANOS;
                    } else if (now - deadline > 0) {
                        parked = true;
                        if ((state.get() >>> 32) == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = claimAndRun();
            }
        }
    }
}
