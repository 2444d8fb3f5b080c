package dev.llama3.engine;

import dev.llama3.model.ContextOverflowException;
import dev.llama3.model.KvCache;
import dev.llama3.model.KvCacheType;
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
    private final KvCache cache;
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

    Session(LlamaEngine engine, int contextLength, KvCacheType kvCacheType) {
        this.engine = engine;
        this.cache = new KvCache(engine.config(), contextLength, kvCacheType);
        this.logits = new float[engine.config().vocabSize()];
        decodeJob.cache = cache;
        decodeJob.logits = logits;
        prefillJob.cache = cache;
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
     * Appends tokens to the context and returns the logits after the last one (a view that the next call
     * overwrites; copy it to keep it).
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
        if (ids.length == 1 && !allPositions) {
            step(ids[0]);
            return;
        }
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
        int vocab = engine.config().vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (cache.length() + ids.length > cache.capacity()) {
            throw new ContextOverflowException(cache.length() + ids.length, cache.capacity());
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
                int next = sampler.sample(current, tokens);
                if (stopToken[next]) {
                    reason = FinishReason.STOP;
                    break;
                }
                generated.add(next);
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
