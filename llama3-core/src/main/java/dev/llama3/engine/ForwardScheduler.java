package dev.llama3.engine;

import dev.llama3.backend.Backend;
import dev.llama3.backend.SequenceState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every forward pass of an engine on one thread, so that concurrent sessions share the weights' memory
 * traffic: all decode steps waiting at the same time go through the model as one batch (each sequence gets
 * exactly the logits it would get alone), and prompts are processed chunk by chunk in between, so a long prompt
 * never stalls the other conversations for more than one chunk.
 */
final class ForwardScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ForwardScheduler.class);
    /** Longest wait for the decode steps of other generating sessions before a batch runs without them. */
    private static final long MAX_GATHER_NANOS = 5_000_000L;
    /** A session whose step was in none of this many recent batches is no longer waited for. */
    private static final int RECENT_BATCHES = 2;

    /** A unit of work submitted by a session; each session reuses its own instances (no per-token allocation). */
    abstract static sealed class Job permits DecodeJob, PrefillJob {
        SequenceState sequence;
        float[] logits;
        boolean done;
        RuntimeException failure;
    }

    /** One token appended to one sequence; logits of that token. */
    static final class DecodeJob extends Job {
        int token;
        /** The last batch this session's step went through, -1 before its first. */
        long lastBatch = -1;
    }

    /** A prompt appended to one sequence; logits of its last token, or of all of them. */
    static final class PrefillJob extends Job {
        int[] tokens;
        int next;
        boolean allPositions;
    }

    private final Backend backend;
    private final int vocab;
    private final int maxSequences;
    private final ArrayDeque<DecodeJob> decodes = new ArrayDeque<>();
    private final ArrayDeque<PrefillJob> prefills = new ArrayDeque<>();
    private final Thread thread;
    private final SequenceState[] batchSequences;
    private final int[] batchTokens;
    private final DecodeJob[] batchJobs;
    private final float[] batchLogits;
    private boolean closed;
    /** Decode jobs (one per session) seen in the last {@link #RECENT_BATCHES} batches: the steps worth waiting for. */
    private final List<DecodeJob> recentDecoders = new ArrayList<>();
    private long batchNumber;
    private long batchedSteps;
    /** How long the last batch of decode steps took: bounds the wait for stragglers to a small part of a step. */
    private long lastDecodeNanos;

    ForwardScheduler(Backend backend, int vocab, int maxSequences) {
        this.backend = backend;
        this.vocab = vocab;
        this.maxSequences = Math.min(maxSequences, backend.batchCapacity());
        this.batchSequences = new SequenceState[this.maxSequences];
        this.batchTokens = new int[this.maxSequences];
        this.batchJobs = new DecodeJob[this.maxSequences];
        this.batchLogits = new float[this.maxSequences * vocab];
        this.thread = Thread.ofPlatform().daemon().name("llama3-forward").start(this::loop);
    }

    /** Appends one token to {@code job.sequence} and fills {@code job.logits}; blocks until done. */
    void decode(DecodeJob job) {
        submit(job, decodes);
    }

    /** Appends a prompt to {@code job.sequence} and fills {@code job.logits}; blocks until done. */
    void prefill(PrefillJob job) {
        job.next = 0;
        submit(job, prefills);
    }

    private <J extends Job> void submit(J job, ArrayDeque<J> queue) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the engine is closed");
            }
            job.done = false;
            job.failure = null;
            queue.addLast(job);
            notifyAll();
            boolean interrupted = false;
            while (!job.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // the job is already in flight and owns the cache: finish waiting, keep the interrupt
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (job.failure != null) {
            throw job.failure;
        }
    }

    private void loop() {
        while (true) {
            int n;
            PrefillJob prefill;
            synchronized (this) {
                while (!closed && decodes.isEmpty() && prefills.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                gatherDecodes();
                if (closed) {
                    failPending();
                    return;
                }
                n = 0;
                while (n < maxSequences && !decodes.isEmpty()) {
                    batchJobs[n++] = decodes.pollFirst();
                }
                prefill = prefills.pollFirst();
            }
            if (n > 0) {
                long start = System.nanoTime();
                runDecodes(n);
                lastDecodeNanos = System.nanoTime() - start;
            }
            if (prefill != null) {
                runPrefillChunk(prefill);
            }
        }
    }

    /**
     * With fewer decode steps queued than sessions decoding lately, waits briefly for the others (holding the lock).
     * After a batch, each session samples its token and comes back a moment later; without this wait the first one
     * back would go through the model alone and the rest in a second pass, streaming every weight twice for the same
     * tokens (four sessions then decode hardly faster together than one alone). The wait is bounded by an eighth of
     * the last decode step (and {@link #MAX_GATHER_NANOS}), so a session that is slow to come back (a slow token
     * listener) or has stopped decoding costs the others little.
     */
    private void gatherDecodes() {
        if (decodes.isEmpty() || !prefills.isEmpty()) {
            return;
        }
        int expected = Math.min(recentDecoders.size(), maxSequences);
        long deadline = System.nanoTime() + Math.min(MAX_GATHER_NANOS, lastDecodeNanos / 8);
        while (!closed && decodes.size() < expected && prefills.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                wait(left / 1_000_000L, (int) (left % 1_000_000L));
            } catch (InterruptedException e) {
                closed = true;
            }
        }
    }

    private void runDecodes(int n) {
        // Jobs of the same sequence cannot share a batch (it could not happen: a session waits for its step).
        for (int i = 0; i < n; i++) {
            batchSequences[i] = batchJobs[i].sequence;
            batchTokens[i] = batchJobs[i].token;
        }
        RuntimeException failure = null;
        try {
            backend.decode(batchSequences, batchTokens, n, batchLogits);
            for (int i = 0; i < n; i++) {
                System.arraycopy(batchLogits, i * vocab, batchJobs[i].logits, 0, vocab);
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            log.error("forward pass failed", e);
            failure = new IllegalStateException("forward pass failed: " + e, e);
        }
        synchronized (this) {
            noteDecoders(n);
            for (int i = 0; i < n; i++) {
                batchJobs[i].failure = failure;
                batchJobs[i].done = true;
                batchJobs[i] = null;
                batchSequences[i] = null;
            }
            notifyAll();
        }
    }

    /** Records which sessions decoded in this batch and forgets those that have not for a while (holding the lock). */
    private void noteDecoders(int n) {
        batchNumber++;
        batchedSteps += n;
        for (int i = 0; i < n; i++) {
            DecodeJob job = batchJobs[i];
            if (!recentDecoders.contains(job)) {
                recentDecoders.add(job);
            }
            job.lastBatch = batchNumber;
        }
        for (int i = recentDecoders.size() - 1; i >= 0; i--) { // no lambda: nothing allocated per batch
            if (recentDecoders.get(i).lastBatch <= batchNumber - RECENT_BATCHES) {
                recentDecoders.remove(i);
            }
        }
    }

    private void runPrefillChunk(PrefillJob job) {
        int count = Math.min(backend.batchCapacity(), job.tokens.length - job.next);
        boolean last = job.next + count == job.tokens.length;
        RuntimeException failure = null;
        try {
            float[] logits = job.allPositions || last ? job.logits : null;
            backend.prefill(job.sequence, job.tokens, job.next, count, logits,
                    job.allPositions ? job.next * vocab : 0, job.allPositions);
            job.next += count;
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            log.error("forward pass failed", e);
            failure = new IllegalStateException("forward pass failed: " + e, e);
        }
        synchronized (this) {
            if (failure != null || job.next == job.tokens.length) {
                job.failure = failure;
                job.done = true;
                notifyAll();
            } else {
                prefills.addLast(job); // more chunks after the decodes waiting now
            }
        }
    }

    private void failPending() {
        for (Job j : decodes) {
            j.failure = new IllegalStateException("the engine was closed");
            j.done = true;
        }
        for (Job j : prefills) {
            j.failure = new IllegalStateException("the engine was closed");
            j.done = true;
        }
        decodes.clear();
        prefills.clear();
        notifyAll();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
            if (batchNumber > 0) {
                log.debug("{} decode steps in {} batches ({} per batch)", batchedSteps, batchNumber,
                        String.format(java.util.Locale.ROOT, "%.2f", (double) batchedSteps / batchNumber));
            }
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
