package dev.llama3.engine;

import dev.llama3.backend.Backend;
import dev.llama3.backend.BackendRequest;
import dev.llama3.backend.BackendSelector;
import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.backend.CpuBackendProvider;
import dev.llama3.backend.SequenceState;
import dev.llama3.chat.ChatFormat;
import dev.llama3.gguf.GgmlType;
import dev.llama3.gguf.GgufFile;
import dev.llama3.gguf.GgufTensorInfo;
import dev.llama3.model.LlamaConfig;
import dev.llama3.model.LlamaModel;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded Llama 3 model: the memory-mapped GGUF file, its tokenizer and chat format, and the {@link Backend} that
 * runs the forward pass (the CPU's threads, or a GPU). Open {@link Session}s to generate; close the engine to stop
 * the backend and release the mapping.
 *
 * <pre>{@code
 * try (LlamaEngine engine = LlamaEngine.load(Path.of("Llama-3.2-1B-Instruct-Q8_0.gguf"), EngineOptions.defaults());
 *      Session session = engine.newSession()) {
 *     int[] prompt = engine.chatFormat().render(List.of(ChatMessage.user("Hello!")), true);
 *     GenerationResult r = session.generate(prompt, engine.chatRequest(SamplingOptions.greedy(), 256),
 *             (id, text) -> { System.out.print(text); return true; });
 * }
 * }</pre>
 */
public final class LlamaEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LlamaEngine.class);

    private final GgufFile gguf;
    private final LlamaModel model;
    private final Llama3Tokenizer tokenizer;
    private final ChatFormat chatFormat;
    private final Backend backend;
    private final EngineOptions options;
    private final int contextLength;
    private final ForwardScheduler scheduler;
    private final String weightTypes;
    /** Sessions created and not yet released (their KV caches are held). */
    private final AtomicInteger openSessions = new AtomicInteger();
    private volatile boolean closed;

    private LlamaEngine(GgufFile gguf, LlamaModel model, Llama3Tokenizer tokenizer, Backend backend,
            EngineOptions options, int contextLength) {
        this.gguf = gguf;
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatFormat = new ChatFormat(tokenizer);
        this.backend = backend;
        this.options = options;
        this.contextLength = contextLength;
        this.scheduler = new ForwardScheduler(backend, model.config().vocabSize(), options.maxBatchSequences());
        this.weightTypes = typeMix(gguf);
    }

    /**
     * Maps the file, checks that every tensor the model needs is present and supported, and starts the backend
     * {@link EngineOptions#backend()} selects.
     *
     * @throws BackendUnavailableException when a backend requested by name cannot run here
     */
    public static LlamaEngine load(Path path, EngineOptions options) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.io.FileNotFoundException("model file not found: " + path.toAbsolutePath());
        }
        long start = System.nanoTime();
        GgufFile gguf = GgufFile.open(path);
        Backend backend = null;
        try {
            LlamaModel model = LlamaModel.fromGguf(gguf);
            LlamaConfig c = model.config();
            int context = options.contextLength() > 0
                    ? options.contextLength()
                    : Math.min(c.contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
            // before the tokenizer: the CPU backend compiles its kernels on an idle core while this thread builds it
            backend = BackendSelector.load().open(options.backend(), new BackendRequest(gguf, model, context,
                    options.batchSize(), options.maxBatchSequences(), options.threads(), options.kvCacheType(),
                    options.hugePages()));
            Llama3Tokenizer tokenizer = Llama3Tokenizer.fromGguf(gguf);
            if (tokenizer.vocabSize() != c.vocabSize()) {
                throw new IllegalArgumentException(path + ": tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the embedding matrix has " + c.vocabSize() + " rows");
            }
            LlamaEngine engine = new LlamaEngine(gguf, model, tokenizer, backend, options, context);
            log.info("Loaded {} ({} MiB, {}) in {} ms: {} layers, dim {}, {} heads / {} KV heads, vocab {}, "
                            + "context {} ({} KV cache, {} MiB per session), backend {}",
                    path.getFileName(), Files.size(path) >> 20, engine.weightTypes(), (System.nanoTime() - start) / 1_000_000,
                    c.blockCount(), c.embeddingLength(), c.headCount(), c.headCountKv(), c.vocabSize(), context,
                    options.kvCacheType(), engine.kvCacheBytesPerSession() >> 20, backend.description());
            return engine;
        } catch (RuntimeException | Error e) {
            if (backend != null) {
                backend.close();
            }
            gguf.close();
            throw e;
        }
    }

    /**
     * System property: {@code false} turns off compiling the CPU kernels during load, e.g. where the extra CPU at
     * startup matters more than the first request's latency.
     */
    public static final String WARMUP_PROPERTY = CpuBackendProvider.WARMUP_PROPERTY;

    /**
     * System property: {@code false} keeps the weights on the mapped file's pages instead of moving them onto
     * transparent huge pages after the first forward pass (Linux, with native access; see docs/performance.md): the
     * default of {@link EngineOptions#hugePages()}.
     */
    public static final String HUGE_PAGES_PROPERTY = CpuBackendProvider.HUGE_PAGES_PROPERTY;

    /** The tensor types of the file and how many tensors use each, e.g. "Q4_K x97, Q6_K x17, F32 x33". */
    static String typeMix(GgufFile gguf) {
        Map<GgmlType, Long> counts = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : gguf.tensors()) {
            counts.merge(t.type(), 1L, Long::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<GgmlType, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    public LlamaModel model() {
        return model;
    }

    public LlamaConfig config() {
        return model.config();
    }

    public Llama3Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatFormat chatFormat() {
        return chatFormat;
    }

    public GgufFile gguf() {
        return gguf;
    }

    public EngineOptions options() {
        return options;
    }

    /** Positions per session. */
    public int contextLength() {
        return contextLength;
    }

    /** Bytes of each session's KV cache (held outside the Java heap until the session is closed). */
    public long kvCacheBytesPerSession() {
        return backend.sequenceBytes(contextLength);
    }

    /** The name of the backend running the forward pass, e.g. {@code cpu} or {@code tornadovm}. */
    public String backendName() {
        return backend.name();
    }

    /** What the backend runs on: threads and kernels, or the device. */
    public String backendDescription() {
        return backend.description();
    }

    /**
     * Waits for work the backend does in the background after the first forward pass and that changes its speed
     * (the CPU backend moving the weights onto huge pages, {@link EngineOptions#hugePages()}); false on timeout. Benchmarks
     * call it before they measure.
     */
    public boolean awaitBackgroundWork(java.time.Duration timeout) throws InterruptedException {
        return backend.awaitBackgroundWork(timeout);
    }

    /** The tensor types of the model file and how many tensors use each, e.g. "Q4_K x97, Q6_K x17, F32 x33". */
    public String weightTypes() {
        return weightTypes;
    }

    /** Sessions opened with {@link #newSession()} whose KV cache is still held (not yet closed). */
    public int openSessions() {
        return openSessions.get();
    }

    /** Bytes held outside the Java heap by the KV caches of the {@linkplain #openSessions() open sessions}. */
    public long kvCacheBytesInUse() {
        return openSessions.get() * kvCacheBytesPerSession();
    }

    /** Whether {@link #close()} has been called; a closed engine opens no sessions. */
    public boolean isClosed() {
        return closed;
    }

    /** A request that stops at the chat format's end-of-turn tokens. */
    public GenerationRequest chatRequest(dev.llama3.sampling.SamplingOptions sampling, int maxTokens) {
        return new GenerationRequest(sampling, maxTokens, java.util.List.of(), chatFormat.stopTokens());
    }

    /** A new, empty conversation state (its own KV cache). */
    public Session newSession() {
        ensureOpen();
        Session session = new Session(this, backend.newSequence(contextLength));
        openSessions.incrementAndGet();
        return session;
    }

    /** Called once per session when its KV cache is released. */
    void sessionReleased() {
        openSessions.decrementAndGet();
    }

    /** A new sequence of the backend (a session's KV cache, or a snapshot's copy). */
    SequenceState newSequence(int capacity) {
        return backend.newSequence(capacity);
    }

    ForwardScheduler scheduler() {
        return scheduler;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the engine for " + gguf.path() + " is closed");
        }
    }

    /** Stops the backend and unmaps the file. Sessions must not be used afterwards. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            scheduler.close();
            backend.close();
            gguf.close();
        }
    }
}
