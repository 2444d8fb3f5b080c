package dev.llama3.spring.ai;

import dev.llama3.chat.ChatMessage;
import dev.llama3.chat.ToolCallParser;
import dev.llama3.engine.GenerationRequest;
import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.FinishReason;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.PrefixCache;
import dev.llama3.engine.Session;
import dev.llama3.engine.TokenListener;
import dev.llama3.sampling.SamplingOptions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.MessageAggregator;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring AI {@link ChatModel} and {@link StreamingChatModel} that runs a Llama 3 model in this JVM.
 *
 * <p>Each call renders the prompt's messages with the Llama 3 dialog format, generates the reply in a fresh
 * {@link Session} (closed afterwards) and answers with the text, the usage (prompt and completion tokens), the
 * finish reason ({@link #FINISH_STOP}, {@link #FINISH_LENGTH} or {@link #FINISH_CANCELLED}) and the model's name.
 * {@link #stream(Prompt)} emits each decoded piece of text as it arrives; its last chunk carries the finish reason
 * and the usage. Disposing of the stream stops decoding within one token.
 *
 * <p>Options: {@link #getOptions()} are the defaults (built-in &lt; application properties); a prompt's options
 * override them one by one. Calls and streams are observed through the {@link ObservationRegistry} with Spring AI's
 * chat-model conventions (operation {@code chat}, provider {@value #PROVIDER}).
 */
public final class Llama3ChatModel implements ChatModel, StreamingChatModel {

    /** The provider name in observations. */
    public static final String PROVIDER = "llama3";
    /** The model ended its turn (end-of-turn token) or a stop sequence matched. */
    public static final String FINISH_STOP = "STOP";
    /** The token limit ({@code maxTokens}) or the end of the context was reached. */
    public static final String FINISH_LENGTH = "LENGTH";
    /** The caller stopped the generation (for example by disposing of the stream). */
    public static final String FINISH_CANCELLED = "CANCELLED";
    /** The reply is a call of one of the request's tools, for {@code ChatClient}'s tool loop to run. */
    public static final String FINISH_TOOL_CALLS = "TOOL_CALLS";
    /**
     * The reply started like a tool call but is not a valid one (malformed, unknown tool, arguments that break the
     * tool's schema): it was not run, and the generation metadata's {@code toolCallError} says why.
     */
    public static final String FINISH_INVALID_TOOL_CALL = "INVALID_TOOL_CALL";

    private static final Logger log = LoggerFactory.getLogger(Llama3ChatModel.class);

    private static final ChatModelObservationConvention DEFAULT_OBSERVATION_CONVENTION =
            new DefaultChatModelObservationConvention();

    private final LlamaEngine engine;
    private final @Nullable PrefixCache prefixCache;
    private final Llama3ChatOptions defaultOptions;
    private final ObservationRegistry observationRegistry;
    private final Scheduler streamScheduler;
    private final String modelName;
    private final Llama3RequestPlanner planner;
    private final Llama3Metrics metrics;
    private ChatModelObservationConvention observationConvention = DEFAULT_OBSERVATION_CONVENTION;

    private final AtomicInteger activeGenerations = new AtomicInteger();
    private final LongAdder generatedTokens = new LongAdder();

    private Llama3ChatModel(LlamaEngine engine, Llama3ChatOptions options, ObservationRegistry observationRegistry,
            Scheduler streamScheduler, @Nullable PrefixCache prefixCache, ToolCallingManager toolCallingManager,
            Clock clock, Llama3Metrics metrics) {
        this.engine = engine;
        this.planner = new Llama3RequestPlanner(engine.chatFormat(), toolCallingManager, clock);
        this.prefixCache = prefixCache;
        this.metrics = metrics;
        this.modelName = modelName(engine);
        this.defaultOptions = options.getModel() != null ? options : options.mutate().model(this.modelName).build();
        this.observationRegistry = observationRegistry;
        this.streamScheduler = streamScheduler;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default options of every request; their {@code model} is the loaded model's name. */
    @Override
    public Llama3ChatOptions getOptions() {
        return this.defaultOptions;
    }

    /** The engine that runs this model. */
    public LlamaEngine getEngine() {
        return this.engine;
    }

    /** Generations running right now (calls and open streams). */
    public int activeGenerations() {
        return this.activeGenerations.get();
    }

    /** Tokens generated since this model was created, counted as they are decoded. */
    public long generatedTokens() {
        return this.generatedTokens.sum();
    }

    /** Uses {@code convention} instead of Spring AI's default chat-model observation convention. */
    public void setObservationConvention(ChatModelObservationConvention convention) {
        this.observationConvention = Objects.requireNonNull(convention, "convention");
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        GenerationClock clock = new GenerationClock();
        Prompt request = withEffectiveOptions(prompt);
        ChatModelObservationContext context = ChatModelObservationContext.builder()
                .prompt(request)
                .provider(PROVIDER)
                .build();
        ChatResponse response = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                .observation(this.observationConvention, DEFAULT_OBSERVATION_CONVENTION, () -> context,
                        this.observationRegistry)
                .observe(() -> {
                    Plan plan = plan(request);
                    GenerationResult result = generate(plan, clock.marking(TokenListener.NONE));
                    recordMetrics(clock, false, result);
                    ChatResponse r = finalResponse(newId(), Llama3Reply.read(result.text(), plan.toolCalls()),
                            result);
                    context.setResponse(r);
                    return r;
                });
        return Objects.requireNonNull(response);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.deferContextual(contextView -> {
            GenerationClock clock = new GenerationClock();
            Prompt request = withEffectiveOptions(prompt);
            ChatModelObservationContext context = ChatModelObservationContext.builder()
                    .prompt(request)
                    .provider(PROVIDER)
                    .streaming(true)
                    .build();
            Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(
                    this.observationConvention, DEFAULT_OBSERVATION_CONVENTION, () -> context,
                    this.observationRegistry);
            Observation parent = contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            observation.parentObservation(parent);
            observation.start();

            String id = newId();
            Flux<ChatResponse> chunks = Flux.<ChatResponse>create(sink -> streamInto(sink, request, id, clock))
                    // Generation blocks its thread until the reply is complete: keep it off the subscriber's.
                    .subscribeOn(this.streamScheduler)
                    .doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, observation));
            return new MessageAggregator().aggregate(chunks, context::setResponse);
        });
    }

    /**
     * Runs one generation on the current (scheduler) thread, pushing each decoded piece into {@code sink}. When the
     * request has tools, a reply that turns out to be a call is held back and arrives whole in the last chunk (as its
     * tool call), so no piece of a call reaches the client as text.
     */
    private void streamInto(FluxSink<ChatResponse> sink, Prompt request, String id, GenerationClock clock) {
        Plan plan = plan(request);
        if (sink.isCancelled()) {
            return;
        }
        ToolCallGate gate = new ToolCallGate(text -> sink.next(chunk(id, text)));
        GenerationResult result = generate(plan, clock.marking((tokenId, text) -> {
            if (!text.isEmpty()) {
                if (plan.toolCalls() != null) {
                    gate.accept(text);
                } else {
                    sink.next(chunk(id, text));
                }
            }
            // Disposal also calls Session.cancel() (see generate); answering here makes the stop immediate when
            // the subscriber cancelled from inside sink.next on this very thread (take(n), a failing consumer).
            return !sink.isCancelled();
        }), sink);
        recordMetrics(clock, true, result);
        Llama3Reply last = gate.holding() ? Llama3Reply.read(result.text(), plan.toolCalls())
                : Llama3Reply.text(gate.undecided());
        sink.next(finalResponse(id, last, result));
        sink.complete();
    }

    private GenerationResult generate(Plan plan, TokenListener listener) {
        return generate(plan, listener, null);
    }

    /**
     * Generates in a fresh session. When {@code sink} is given, its disposal cancels the session, so a client that
     * goes away stops the decoding loop before the next token.
     */
    private GenerationResult generate(Plan plan, TokenListener listener, @Nullable FluxSink<?> sink) {
        this.activeGenerations.incrementAndGet();
        try (Session session = this.engine.newSession()) {
            if (sink != null) {
                sink.onDispose(session::cancel);
            }
            int[] prompt = plan.tokens();
            int[] todo = this.prefixCache != null ? session.reusePrefix(prompt, this.prefixCache) : prompt;
            GenerationResult result = session.generate(todo, plan.request(), (tokenId, text) -> {
                if (tokenId >= 0) {
                    this.generatedTokens.increment();
                }
                return listener.onToken(tokenId, text);
            });
            if (plan.request().constraint() != null && result.finishReason() == FinishReason.LENGTH) {
                // The constraint guarantees JSON that completes, not that it completes within the limit.
                log.warn("The reply was cut short by maxTokens or the end of the context before its JSON was "
                        + "complete ({} tokens); raise spring.ai.llama3.chat.max-tokens", result.completionTokens());
            }
            if (this.prefixCache != null && result.finishReason() != FinishReason.CANCELLED) {
                this.prefixCache.put(session.snapshot());
            }
            // usage counts the whole prompt, however much of it was restored rather than evaluated
            return new GenerationResult(result.tokens(), result.text(), result.finishReason(), prompt.length,
                    result.promptNanos(), result.generationNanos());
        } finally {
            this.activeGenerations.decrementAndGet();
        }
    }

    /** Hands the generation's figures to the {@link Llama3Metrics}; a failing recorder never fails the reply. */
    private void recordMetrics(GenerationClock clock, boolean streaming, GenerationResult result) {
        try {
            this.metrics.generationCompleted(clock.stats(this.modelName, streaming, result));
        } catch (RuntimeException e) {
            log.warn("Recording the metrics of a generation failed", e);
        }
    }

    /** The prompt with this model's defaults under its own options, so observations report what really ran. */
    private Prompt withEffectiveOptions(Prompt prompt) {
        return prompt.mutate().chatOptions(effectiveOptions(prompt.getOptions())).build();
    }

    /**
     * Defaults overridden by {@code requested} where it sets something. Stop sequences are the union of both: a
     * request that already went through {@code ChatClient} carries the defaults' stops again, so duplicates go.
     */
    Llama3ChatOptions effectiveOptions(@Nullable ChatOptions requested) {
        if (requested == null) {
            return this.defaultOptions;
        }
        Llama3ChatOptions merged = this.defaultOptions.mutate().combineWith(requested.mutate()).build();
        List<String> stops = merged.getStopSequences();
        if (stops != null && new LinkedHashSet<>(stops).size() != stops.size()) {
            merged = merged.mutate().stopSequences(new ArrayList<>(new LinkedHashSet<>(stops))).build();
        }
        return merged;
    }

    /**
     * The prompt tokens, generation settings and constraint of one request (see {@link Llama3RequestPlanner}); throws
     * for anything the engine cannot run.
     */
    private Plan plan(Prompt request) {
        Llama3ChatOptions options = (Llama3ChatOptions) Objects.requireNonNull(request.getOptions());
        Llama3RequestPlanner.Plan plan = this.planner.plan(request.getInstructions(), options);
        return new Plan(plan.tokens(), generationRequest(options).withConstraint(plan.constraint()),
                plan.toolCalls());
    }

    /**
     * The exact tokens the model reads for {@code prompt} with this model's defaults under its options: the plain
     * Llama 3 dialog, or Meta's Llama 3.1 JSON tool prompt when the request has tools.
     */
    public int[] renderPrompt(Prompt prompt) {
        return this.planner.plan(prompt.getInstructions(), effectiveOptions(prompt.getOptions())).tokens();
    }

    /**
     * The exact tokens the model reads for {@code messages}: {@code <|begin_of_text|>}, each message in the Llama 3
     * dialog format, and the open assistant header that the reply follows.
     */
    public int[] renderPrompt(List<Message> messages) {
        List<ChatMessage> dialog = Llama3MessageMapper.toDialog(messages);
        return this.engine.chatFormat().render(dialog, true);
    }

    private GenerationRequest generationRequest(Llama3ChatOptions o) {
        SamplingOptions.Builder s = SamplingOptions.builder();
        if (o.getTemperature() != null) {
            s.temperature(o.getTemperature().floatValue());
        }
        if (o.getTopP() != null) {
            s.topP(o.getTopP().floatValue());
        }
        if (o.getTopK() != null) {
            s.topK(o.getTopK());
        }
        if (o.getMinP() != null) {
            s.minP(o.getMinP().floatValue());
        }
        if (o.getRepetitionPenalty() != null) {
            s.repetitionPenalty(o.getRepetitionPenalty().floatValue());
        }
        if (o.getFrequencyPenalty() != null) {
            s.frequencyPenalty(o.getFrequencyPenalty().floatValue());
        }
        if (o.getPresencePenalty() != null) {
            s.presencePenalty(o.getPresencePenalty().floatValue());
        }
        if (o.getSeed() != null) {
            s.seed(o.getSeed());
        }
        Integer maxTokens = o.getMaxTokens();
        if (maxTokens != null && maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        List<String> stops = o.getStopSequences() == null ? List.of()
                : o.getStopSequences().stream().filter(stop -> !stop.isEmpty()).distinct().toList();
        // Without a limit the reply ends at the model's end-of-turn token or when the context is full.
        return new GenerationRequest(s.build(), maxTokens != null ? maxTokens : Integer.MAX_VALUE, stops,
                this.engine.chatFormat().stopTokens());
    }

    private ChatResponse chunk(String id, String text) {
        return new ChatResponse(List.of(new Generation(AssistantMessage.builder().content(text).build())),
                ChatResponseMetadata.builder().id(id).model(this.modelName).build());
    }

    private ChatResponse finalResponse(String id, Llama3Reply reply, GenerationResult result) {
        ChatGenerationMetadata.Builder generation = ChatGenerationMetadata.builder()
                .finishReason(reply.finishReason(result.finishReason()));
        if (reply.toolCallError() != null) {
            generation.metadata(Llama3Reply.TOOL_CALL_ERROR, reply.toolCallError());
        }
        ChatGenerationMetadata generationMetadata = generation.build();
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id(id)
                .model(this.modelName)
                .usage(new DefaultUsage(result.promptTokens(), result.completionTokens()))
                .keyValue("prompt-nanos", result.promptNanos())
                .keyValue("generation-nanos", result.generationNanos())
                .build();
        return new ChatResponse(
                List.of(new Generation(reply.message(), generationMetadata)), metadata);
    }

    /** Spring AI's finish reason for the engine's. */
    public static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> FINISH_STOP;
            case LENGTH -> FINISH_LENGTH;
            case CANCELLED -> FINISH_CANCELLED;
        };
    }

    private static String newId() {
        return "llama3-" + UUID.randomUUID();
    }

    /** The GGUF's {@code general.name}, or the file name without its extension. */
    public static String modelName(LlamaEngine engine) {
        return engine.gguf().findString("general.name").filter(n -> !n.isBlank()).orElseGet(() -> {
            Path file = engine.gguf().path().getFileName();
            String name = file == null ? "llama3" : file.toString();
            return name.endsWith(".gguf") ? name.substring(0, name.length() - ".gguf".length()) : name;
        });
    }

    private record Plan(int[] tokens, GenerationRequest request, @Nullable ToolCallParser toolCalls) {}

    /** Builds a {@link Llama3ChatModel}; only the engine is required. */
    public static final class Builder {
        private @Nullable LlamaEngine engine;
        private Llama3ChatOptions options = Llama3ChatOptions.builder().build();
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private Scheduler streamScheduler = Schedulers.boundedElastic();
        private @Nullable PrefixCache prefixCache;
        private @Nullable ToolCallingManager toolCallingManager;
        private Clock clock = Clock.systemDefaultZone();
        private Llama3Metrics metrics = Llama3Metrics.NOOP;

        private Builder() {}

        /**
         * Resolves a request's tool callbacks to the definitions shown to the model (default: Spring AI's
         * {@code DefaultToolCallingManager}). The tools themselves run in {@code ChatClient}'s tool loop, not here.
         */
        public Builder toolCallingManager(ToolCallingManager toolCallingManager) {
            this.toolCallingManager = Objects.requireNonNull(toolCallingManager, "toolCallingManager");
            return this;
        }

        /** The clock whose date the tool prompt states as "Today Date" (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where evaluated conversations are kept for reuse (null: none). With a cache, a request whose prompt starts
         * with an earlier one's (the next turn of a conversation, a shared system prompt) evaluates only the rest;
         * replies are identical either way.
         */
        public Builder prefixCache(@Nullable PrefixCache prefixCache) {
            this.prefixCache = prefixCache;
            return this;
        }

        public Builder engine(LlamaEngine engine) {
            this.engine = engine;
            return this;
        }

        /** Default options of every request (unset ones fall back to the engine's defaults). */
        public Builder options(Llama3ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
            return this;
        }

        /** Where streamed generations run (default: Reactor's bounded elastic scheduler). */
        public Builder streamScheduler(Scheduler streamScheduler) {
            this.streamScheduler = Objects.requireNonNull(streamScheduler, "streamScheduler");
            return this;
        }

        /** Receives the figures of every finished generation (default: {@link Llama3Metrics#NOOP}). */
        public Builder metrics(Llama3Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public Llama3ChatModel build() {
            if (this.engine == null) {
                throw new IllegalStateException("a LlamaEngine is required: call engine(...) before build()");
            }
            return new Llama3ChatModel(this.engine, this.options, this.observationRegistry, this.streamScheduler,
                    this.prefixCache, this.toolCallingManager != null ? this.toolCallingManager
                            : ToolCallingManager.builder().build(), this.clock, this.metrics);
        }
    }
}
