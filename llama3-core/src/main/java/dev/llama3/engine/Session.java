package dev.llama3.engine;

import dev.llama3.constrain.TokenConstraint;
import dev.llama3.model.ContextOverflowException;
import dev.llama3.backend.SequenceState;
import dev.llama3.sampling.IntList;
import dev.llama3.sampling.Sampler;
import dev.llama3.sampling.StopSequences;
import dev.llama3.tokenizer.StreamingDecoder;

/**
 * One conversation: a KV cache and the tokens in it. Not thread-safe; use one session per concurrent
 * conversation. {@link #cancel()} may be called from any thread.
 */
public final class Session implements AutoCloseable {
    private final LlamaEngine engine;
    /** The KV cache, held by the engine's backend (main memory, or a device's). */
    private final SequenceState cache;
    private final IntList tokens = new IntList();
    private final float[] logits;
    /** Reused for every step, so decoding allocates nothing per token. */
    private final ForwardScheduler.DecodeJob decodeJob = new ForwardScheduler.DecodeJob();
    private final ForwardScheduler.PrefillJob prefillJob = new ForwardScheduler.PrefillJob();
    private volatile boolean cancelled;
    /** Calls in progress (guarded by this): close() from another thread releases the cache when they end. */
    private int active;
    private boolean closeRequested;
    private boolean released;

    Session(LlamaEngine engine, SequenceState cache) {
        this.engine = engine;
        this.cache = cache;
        this.logits = new float[engine.config().vocabSize()];
        decodeJob.sequence = cache;
        decodeJob.logits = logits;
        prefillJob.sequence = cache;
    }

    /** Number of tokens in the context. */
    public int position() {
        return cache.length();
    }

    /** Capacity of the context in tokens. */
    public int contextLength() {
        return cache.capacity();
    }

    /** The tokens in the context, in order. */
    public int[] tokens() {
        return tokens.toArray();
    }

    /** Forgets the whole context. */
    public void reset() {
        enter();
        try {
            cache.truncate(0);
            tokens.clear();
        } finally {
            exit();
        }
    }

    /** Forgets the context from {@code length} on (keeps a shared prefix). */
    public void truncate(int length) {
        enter();
        try {
            cache.truncate(length);
            tokens.truncate(length);
        } finally {
            exit();
        }
    }

    /**
     * A copy of the context (tokens, keys and values) that sessions of this engine can {@link #restore}. The copy
     * is compact: it holds exactly {@link #position()} positions.
     */
    public KvSnapshot snapshot() {
        enter();
        try {
            int n = cache.length();
            if (n == 0) {
                throw new IllegalStateException("nothing to snapshot: the context is empty");
            }
            SequenceState copy = engine.newSequence(n);
            try {
                copy.copyFrom(cache, n);
            } catch (RuntimeException | Error e) {
                copy.close();
                throw e;
            }
            return new KvSnapshot(engine, tokens.toArray(), copy);
        } finally {
            exit();
        }
    }

    /**
     * Replaces the context with the first {@code length} tokens of {@code snapshot}, as if they had been evaluated
     * here: the logits and keys of later tokens are bit-identical to evaluating them from scratch.
     *
     * @return false, leaving the context empty, if the snapshot was closed meanwhile (e.g. evicted from a cache)
     */
    public boolean restore(KvSnapshot snapshot, int length) {
        if (snapshot.engine() != engine) {
            throw new IllegalArgumentException("the snapshot belongs to another engine");
        }
        if (length < 0 || length > snapshot.length() || length > cache.capacity()) {
            throw new IllegalArgumentException("cannot restore " + length + " of the snapshot's " + snapshot.length()
                    + " tokens into a context of " + cache.capacity());
        }
        enter();
        try {
            cache.truncate(0);
            tokens.clear();
            if (!snapshot.copyInto(cache, length)) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                tokens.add(snapshot.token(i));
            }
            return true;
        } finally {
            exit();
        }
    }

    /**
     * Prepares this session to evaluate {@code prompt} (a whole conversation rendered from its first token) with
     * as little work as possible: keeps the part of the current context that {@code prompt} starts with, or — if
     * {@code cache} holds a longer match — restores that, and returns the tokens still to evaluate, which
     * {@link #generate} or {@link #evaluate} should be given next. At least the last prompt token is always left
     * to evaluate, since its logits are needed.
     *
     * @param cache where earlier prompts' snapshots are; null to reuse only this session's own context
     */
    public int[] reusePrefix(int[] prompt, PrefixCache cache) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        int limit = prompt.length - 1;
        int[] current = tokens.toArray();
        int own = Math.min(limit, commonPrefix(current, prompt));
        int reuse = own;
        if (cache != null) {
            KvSnapshot match = cache.longestPrefix(prompt, own + 1);
            if (match != null) {
                int n = Math.min(limit, match.commonPrefix(prompt));
                if (n > own && restore(match, n)) {
                    reuse = n;
                } else if (n > own) {
                    reuse = 0; // the snapshot was evicted while restoring: the context is now empty
                }
            }
        }
        if (reuse == own) {
            truncate(own);
        }
        return java.util.Arrays.copyOfRange(prompt, reuse, prompt.length);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int mismatch = java.util.Arrays.mismatch(a, 0, n, b, 0, n);
        return mismatch < 0 ? n : mismatch;
    }

    /**
     * Appends tokens to the context and returns the logits after the last one (a view that the next call
     * overwrites; copy it to keep it). The tokens are evaluated as a prompt, in chunks of the engine's batch size:
     * splitting a prompt over several calls gives bit for bit what one call gives. (Tokens that {@link #generate}
     * samples are decode steps, which may differ from a prompt evaluation of the same token in the last bits.)
     */
    public float[] evaluate(int[] ids) {
        enter();
        try {
            prefill(ids, logits, false);
        } finally {
            exit();
        }
        return logits;
    }

    /**
     * Appends one token as a decode step, the way {@link #generate} feeds back the tokens it samples: batched with
     * the steps of other sessions waiting at the same time, through the decode kernels. For callers that run their
     * own sampling loop; a prompt, or tokens that are given rather than generated, belong in {@link #evaluate}.
     * Returns the logits after the token (a view that the next call overwrites; copy it to keep it).
     *
     * @throws ContextOverflowException when the context is full
     */
    public float[] decode(int token) {
        enter();
        try {
            engine.ensureOpen();
            checkToken(token);
            checkRoom(1);
            step(token);
        } finally {
            exit();
        }
        return logits;
    }

    /** Appends tokens and returns the logits of every one of them ({@code ids.length * vocab}, position-major). */
    public float[] evaluateAll(int[] ids) {
        float[] all = new float[Math.multiplyExact(ids.length, engine.config().vocabSize())];
        enter();
        try {
            prefill(ids, all, true);
        } finally {
            exit();
        }
        return all;
    }

    private void prefill(int[] ids, float[] out, boolean allPositions) {
        engine.ensureOpen();
        checkTokens(ids);
        // Always the prompt path, even for one token: prompt and decode products may differ in the last bits (see
        // WeightMatrix.matmulPrompt), and evaluating a prompt in any split must give what evaluating it whole gives.
        prefillJob.tokens = ids;
        prefillJob.logits = out;
        prefillJob.allPositions = allPositions;
        try {
            engine.scheduler().prefill(prefillJob);
        } finally {
            prefillJob.tokens = null;
            prefillJob.logits = null;
        }
        tokens.addAll(ids);
    }

    /** One decode step: batched with the steps of other sessions waiting at the same time. */
    private void step(int token) {
        decodeJob.token = token;
        engine.scheduler().decode(decodeJob);
        tokens.add(token);
    }

    /** Validates a whole prompt before any of it touches the cache. */
    private void checkTokens(int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        for (int id : ids) {
            checkToken(id);
        }
        checkRoom(ids.length);
    }

    private void checkToken(int id) {
        int vocab = engine.config().vocabSize();
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    /** The context has room for {@code n} more tokens. */
    private void checkRoom(int n) {
        if (cache.length() + n > cache.capacity()) {
            throw new ContextOverflowException(cache.length() + n, cache.capacity());
        }
    }

    /**
     * Evaluates {@code prompt} after the current context and generates a continuation. Afterwards the context
     * holds the prompt and the generated tokens except the last one (whose logits nobody needs) and except a
     * stop token.
     *
     * @param listener receives every generated token and the text it completes; return false to stop. Text held
     *     back at the end (an incomplete stop-string prefix that never completed) arrives with token id -1.
     */
    public GenerationResult generate(int[] prompt, GenerationRequest request, TokenListener listener) {
        enter();
        try {
            return generateOpen(prompt, request, listener);
        } finally {
            exit();
        }
    }

    private GenerationResult generateOpen(int[] prompt, GenerationRequest request, TokenListener listener) {
        if (prompt.length == 0 && tokens.size() == 0) {
            throw new IllegalArgumentException("cannot generate from an empty context: the prompt has no tokens");
        }
        int vocab = engine.config().vocabSize();
        boolean[] stopToken = new boolean[vocab];
        for (int id : request.stopTokens()) {
            if (id >= 0 && id < vocab) {
                stopToken[id] = true;
            }
        }
        TokenConstraint constraint = request.constraint() == null ? null : request.constraint().start();
        int[] stopIds = null;
        if (constraint != null) {
            // a constrained output ends with an end-of-generation token, which the constraint allows where complete
            for (int id : engine.tokenizer().endOfGenerationIds()) {
                if (id < vocab) {
                    stopToken[id] = true;
                }
            }
            stopIds = java.util.stream.IntStream.range(0, vocab).filter(i -> stopToken[i]).toArray();
        }
        float[] stopLogits = stopIds == null ? null : new float[stopIds.length];
        if (prompt.length + cache.length() >= cache.capacity()) {
            throw new ContextOverflowException(prompt.length + cache.length() + 1, cache.capacity());
        }
        try {
            long t0 = System.nanoTime();
            if (prompt.length > 0) {
                prefill(prompt, logits, false);
            }
            float[] current = logits;
            long t1 = System.nanoTime();

            Sampler sampler = new Sampler(request.sampling(), vocab);
            StreamingDecoder decoder = engine.tokenizer().streamingDecoder();
            StopSequences stops = new StopSequences(request.stopStrings());
            StringBuilder text = new StringBuilder();
            IntList generated = new IntList();
            FinishReason reason = FinishReason.LENGTH;
            while (true) {
                if (cancelled) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (constraint != null && !constrain(constraint, current, stopToken, stopIds, stopLogits)) {
                    // complete, and nothing may follow
                    reason = FinishReason.STOP;
                    break;
                }
                int next = sampler.sample(current, tokens);
                if (stopToken[next]) {
                    reason = FinishReason.STOP;
                    break;
                }
                generated.add(next);
                if (constraint != null) {
                    constraint.accept(next);
                }
                String piece = stops.accept(decoder.accept(next));
                text.append(piece);
                boolean goOn = listener.onToken(next, piece);
                if (stops.matched()) {
                    reason = FinishReason.STOP;
                    break;
                }
                if (!goOn) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                if (generated.size() >= request.maxTokens() || cache.length() >= cache.capacity()) {
                    // The last token is not evaluated: nobody needs its logits.
                    reason = FinishReason.LENGTH;
                    break;
                }
                engine.ensureOpen();
                step(next);
                current = logits;
            }
            if (!stops.matched()) {
                String rest = stops.accept(decoder.flush()) + stops.flush();
                if (!rest.isEmpty()) {
                    text.append(rest);
                    listener.onToken(-1, rest);
                }
            }
            long t2 = System.nanoTime();
            return new GenerationResult(generated.toArray(), text.toString(), reason, prompt.length, t1 - t0, t2 - t1);
        } finally {
            cancelled = false;
        }
    }

    /**
     * Masks the logits with the constraint; stop tokens are allowed exactly where the output is complete. Returns
     * false when the output is complete and no further token is allowed.
     *
     * @throws IllegalStateException when the output is incomplete and no token can continue it (a vocabulary that
     *     lacks the bytes the constraint needs)
     */
    private static boolean constrain(TokenConstraint constraint, float[] logits, boolean[] stopToken, int[] stopIds,
            float[] stopLogits) {
        for (int i = 0; i < stopIds.length; i++) {
            stopLogits[i] = logits[stopIds[i]];
        }
        constraint.mask(logits);
        boolean complete = constraint.isComplete();
        for (int i = 0; i < stopIds.length; i++) {
            logits[stopIds[i]] = complete ? stopLogits[i] : Float.NEGATIVE_INFINITY;
        }
        for (int id = 0; id < logits.length; id++) {
            if (logits[id] != Float.NEGATIVE_INFINITY && !stopToken[id]) {
                return true;
            }
        }
        if (!complete) {
            throw new IllegalStateException("the constraint allows no token here and the output is incomplete: "
                    + constraint);
        }
        return false;
    }

    /** Asks a running {@link #generate} to stop after the current token. Safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Releases the KV cache's memory (held outside the Java heap); afterwards the session's methods throw
     * {@link IllegalStateException}. Safe from any thread: a {@link #generate} running elsewhere is cancelled, and
     * the memory is released when that call returns.
     */
    @Override
    public void close() {
        cancelled = true;
        boolean release;
        synchronized (this) {
            closeRequested = true;
            release = active == 0;
        }
        if (release) {
            release();
        }
    }

    private void enter() {
        synchronized (this) {
            if (closeRequested) {
                throw new IllegalStateException("the session is closed");
            }
            active++;
        }
    }

    private void exit() {
        boolean release;
        synchronized (this) {
            active--;
            release = closeRequested && active == 0;
        }
        if (release) {
            release();
        }
    }

    /** Frees the KV cache once, however many times close() and exit() get here. */
    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        cache.close();
        engine.sessionReleased();
    }

    @Override
    public String toString() {
        return "Session[position=" + cache.length() + "/" + cache.capacity() + "]";
    }
}
