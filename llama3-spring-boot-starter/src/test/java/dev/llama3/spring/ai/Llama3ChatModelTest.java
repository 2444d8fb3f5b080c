package dev.llama3.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.engine.TokenListener;
import dev.llama3.model.ContextOverflowException;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.testing.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.util.MimeTypeUtils;
import reactor.core.Disposable;

/** {@link Llama3ChatModel} on a synthetic tiny model: calls, streams, cancellation, options, invalid input. */
class Llama3ChatModelTest {

    private static LlamaEngine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = LlamaEngine.load(TestModels.tiny(), EngineOptions.builder().threads(1).contextLength(256).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static Llama3ChatModel model(Llama3ChatOptions options) {
        return Llama3ChatModel.builder().engine(engine).options(options).build();
    }

    private static Llama3ChatModel greedy(int maxTokens) {
        return model(Llama3ChatOptions.builder().temperature(0.0).maxTokens(maxTokens).build());
    }

    /** What the engine itself generates greedily for {@code prompt}: the reference for the adapter. */
    private static GenerationResult direct(int[] prompt, int maxTokens) {
        try (Session s = engine.newSession()) {
            return s.generate(prompt, engine.chatRequest(SamplingOptions.greedy(), maxTokens), TokenListener.NONE);
        }
    }

    private static String text(ChatResponse r) {
        return r.getResult().getOutput().getText();
    }

    @Test
    void callAnswersWithTextUsageFinishReasonAndModel() {
        Llama3ChatModel model = greedy(5);
        Prompt prompt = new Prompt(List.of(new SystemMessage("Be brief."), new UserMessage("Hello there")));
        ChatResponse r = model.call(prompt);

        int[] rendered = model.renderPrompt(prompt.getInstructions());
        GenerationResult expected = direct(rendered, 5);
        assertThat(text(r)).isEqualTo(expected.text());
        assertThat(r.getMetadata().getUsage().getPromptTokens()).isEqualTo(rendered.length);
        assertThat(r.getMetadata().getUsage().getCompletionTokens()).isEqualTo(5);
        assertThat(r.getMetadata().getUsage().getTotalTokens()).isEqualTo(rendered.length + 5);
        assertThat(r.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3ChatModel.FINISH_LENGTH);
        assertThat(r.getMetadata().getModel()).isEqualTo("synthetic tiny Q8_0");
        assertThat(r.getMetadata().getId()).startsWith("llama3-");
        assertThat(model.activeGenerations()).isZero();
    }

    @Test
    void seededSamplingIsRepeatable() {
        Llama3ChatModel model = model(Llama3ChatOptions.builder().temperature(1.0).seed(7L).maxTokens(12).build());
        assertThat(text(model.call(new Prompt("Tell me a story")))).isEqualTo(text(model.call(new Prompt("Tell me a story"))));
    }

    @Test
    void stopSequenceEndsTheReplyBeforeIt() {
        String full = text(greedy(24).call(new Prompt("Count with me")));
        assertThat(full.length()).isGreaterThan(4);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        ChatResponse r = greedy(24).call(new Prompt("Count with me",
                Llama3ChatOptions.builder().stopSequences(List.of(stop)).build()));
        assertThat(text(r)).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(r.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3ChatModel.FINISH_STOP);
    }

    @Test
    void streamEmitsPiecesThenAFinalChunkWithFinishReasonAndUsage() {
        Llama3ChatModel model = greedy(16);
        Prompt prompt = new Prompt("Stream please");
        List<ChatResponse> chunks = model.stream(prompt).collectList().block(Duration.ofSeconds(30));

        assertThat(chunks).hasSizeGreaterThan(1);
        ChatResponse last = chunks.getLast();
        assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3ChatModel.FINISH_LENGTH);
        assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(16);
        assertThat(last.getMetadata().getUsage().getPromptTokens())
                .isEqualTo(model.renderPrompt(prompt.getInstructions()).length);
        for (ChatResponse chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(text(chunk)).isNotEmpty();
            assertThat(chunk.getResult().getMetadata().getFinishReason()).isNull();
            assertThat(chunk.getMetadata().getId()).isEqualTo(last.getMetadata().getId());
        }
        String streamed = chunks.stream().map(Llama3ChatModelTest::text).collect(Collectors.joining());
        assertThat(streamed).isEqualTo(text(model.call(prompt)));
        assertThat(model.activeGenerations()).isZero();
    }

    @Test
    void cancellingInsideTheStreamStopsAtTheSameToken() {
        Llama3ChatModel model = greedy(1_000); // more than the context: only cancellation ends it early
        AtomicLong tokensAtThirdChunk = new AtomicLong();
        long before = model.generatedTokens();
        List<ChatResponse> taken = model.stream(new Prompt("Go on forever"))
                .index()
                .doOnNext(c -> {
                    if (c.getT1() == 2) {
                        tokensAtThirdChunk.set(model.generatedTokens());
                    }
                })
                .map(c -> c.getT2())
                .take(3)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(taken).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> model.activeGenerations() == 0);
        assertThat(model.generatedTokens() - tokensAtThirdChunk.get()).isLessThanOrEqualTo(1);
        assertThat(model.generatedTokens() - before).isLessThan(100);
    }

    @Test
    void disposingTheStreamFromAnotherThreadStopsWithinOneToken() throws Exception {
        Llama3ChatModel model = greedy(1_000);
        CountDownLatch secondChunk = new CountDownLatch(1);
        CountDownLatch disposed = new CountDownLatch(1);
        List<ChatResponse> received = new CopyOnWriteArrayList<>();
        Disposable subscription = model.stream(new Prompt("Go on forever")).subscribe(chunk -> {
            received.add(chunk);
            if (received.size() == 2) {
                secondChunk.countDown();
                // Hold the generating thread until the client has gone away, so the race is deterministic.
                try {
                    disposed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(secondChunk.await(30, TimeUnit.SECONDS)).isTrue();
        long tokensAtDispose = model.generatedTokens();
        subscription.dispose();
        disposed.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> model.activeGenerations() == 0);
        assertThat(model.generatedTokens() - tokensAtDispose).isLessThanOrEqualTo(1);
        assertThat(received).hasSize(2);
    }

    @Test
    void requestOptionsOverrideTheDefaultsOneByOne() {
        Llama3ChatModel model = model(Llama3ChatOptions.builder().temperature(0.0).maxTokens(6).topK(9).minP(0.2)
                .stopSequences(List.of("zz")).build());
        Llama3ChatOptions merged = model.effectiveOptions(ChatOptions.builder().maxTokens(3).topP(0.5)
                .stopSequences(List.of("yy")).build());
        assertThat(merged.getMaxTokens()).isEqualTo(3);
        assertThat(merged.getTopP()).isEqualTo(0.5);
        assertThat(merged.getTemperature()).isEqualTo(0.0);
        assertThat(merged.getTopK()).isEqualTo(9);
        assertThat(merged.getMinP()).isEqualTo(0.2);
        assertThat(merged.getStopSequences()).containsExactly("zz", "yy");
        assertThat(merged.getModel()).isEqualTo("synthetic tiny Q8_0");

        // A request that already holds the defaults (as ChatClient sends it) does not duplicate the stops.
        Llama3ChatOptions again = model.effectiveOptions(merged);
        assertThat(again).isEqualTo(merged);

        Llama3ChatOptions ours = model.effectiveOptions(Llama3ChatOptions.builder().minP(0.0).seed(5L)
                .repetitionPenalty(1.3).build());
        assertThat(ours.getMinP()).isEqualTo(0.0);
        assertThat(ours.getSeed()).isEqualTo(5L);
        assertThat(ours.getRepetitionPenalty()).isEqualTo(1.3);
        assertThat(ours.getMaxTokens()).isEqualTo(6);
        assertThat(model.effectiveOptions(null)).isSameAs(model.getOptions());

        ChatResponse r = model.call(new Prompt("Hi", ChatOptions.builder().maxTokens(2).build()));
        assertThat(r.getMetadata().getUsage().getCompletionTokens()).isEqualTo(2);
        assertThat(text(r)).isEqualTo(direct(model.renderPrompt(List.of(new UserMessage("Hi"))), 2).text());
    }

    @Test
    void optionsAreImmutableAndMutateCopiesEverything() {
        ToolCallback tool = tool("clock");
        Llama3ChatOptions o = Llama3ChatOptions.builder().model("m").temperature(0.1).topP(0.2).topK(3).minP(0.4)
                .maxTokens(5).repetitionPenalty(1.6).frequencyPenalty(0.7).presencePenalty(0.8).seed(9L)
                .stopSequences(List.of("a")).toolCallbacks(List.of(tool)).toolContext("k", "v")
                .toolChoice(Llama3ChatOptions.ToolChoice.REQUIRED)
                .toolPromptPlacement(dev.llama3.chat.ToolPromptPlacement.SYSTEM_MESSAGE)
                .outputSchema("{\"type\": \"object\"}").build();
        Llama3ChatOptions copy = o.mutate().build();
        assertThat(copy).isEqualTo(o).hasSameHashCodeAs(o).isNotSameAs(o);
        assertThat(copy.toString()).contains("minP=0.4", "seed=9", "tools=1", "toolChoice=REQUIRED",
                "toolPromptPlacement=SYSTEM_MESSAGE", "outputSchema=18 chars");
        assertThat(copy.getOutputSchema()).isEqualTo("{\"type\": \"object\"}");
        assertThat(o.mutate().seed(10L).build()).isNotEqualTo(o);
        assertThat(o.mutate().toolChoice(Llama3ChatOptions.ToolChoice.AUTO).build()).isNotEqualTo(o);
        assertThat(o.mutate().outputSchema(null).build()).isNotEqualTo(o);
        assertThatThrownBy(() -> o.getStopSequences().add("b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toolResponsesAreRenderedAsIpythonTurns() {
        Llama3ChatModel model = greedy(1);
        List<Message> messages = List.of(new UserMessage("What time is it?"),
                ToolResponseMessage.builder().responses(List.of(
                        new ToolResponseMessage.ToolResponse("1", "clock", "\"12:00\""),
                        new ToolResponseMessage.ToolResponse("2", "zone", "\"UTC\""))).build());
        int[] expected = engine.tokenizer().encode("<|begin_of_text|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat time is it?<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\n\"12:00\"<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\n\"UTC\"<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", false, true);
        assertThat(model.renderPrompt(messages)).containsExactly(expected);
    }

    @Test
    void rejectsWhatLlama3CannotRead() {
        Llama3ChatModel model = greedy(2);
        assertThatThrownBy(() -> model.call(new Prompt(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no messages");
        UserMessage image = UserMessage.builder().text("Look")
                .media(Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(new byte[] {1, 2}).build()).build();
        assertThatThrownBy(() -> model.call(new Prompt(image)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text only")
                .hasMessageContaining("image/png");
    }

    @Test
    void invalidRequestOptionsAreNamed() {
        Llama3ChatModel model = greedy(2);
        assertThatThrownBy(() -> model.call(new Prompt("Hi", ChatOptions.builder().temperature(-1.0).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> model.call(new Prompt("Hi", ChatOptions.builder().maxTokens(0).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> model.stream(new Prompt("Hi", ChatOptions.builder().topP(2.0).build()))
                        .blockLast(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
    }

    @Test
    void promptLongerThanTheContextFailsClearly() {
        Llama3ChatModel model = greedy(2);
        assertThatThrownBy(() -> model.call(new Prompt("x".repeat(400))))
                .isInstanceOf(ContextOverflowException.class).hasMessageContaining("context");
        assertThat(model.activeGenerations()).isZero();
    }

    @Test
    void tokenCountEstimatorCountsWithTheModelsTokenizer() {
        Llama3TokenCountEstimator tokens = new Llama3TokenCountEstimator(engine.tokenizer());
        String text = "Hello, Llama! <|eot_id|> stays text";
        assertThat(tokens.count(text)).isEqualTo(engine.tokenizer().encode(text).length);
        assertThat(tokens.encode(text)).containsExactly(engine.tokenizer().encode(text));
        assertThat(tokens.decode(tokens.encode(text))).isEqualTo(text);
        assertThat(tokens.estimate((String) null)).isZero();
        assertThat(tokens.estimate("")).isZero();
        assertThat(tokens.estimate(text)).isEqualTo(tokens.count(text));
        assertThat(tokens.estimate(new UserMessage(text))).isEqualTo(tokens.count(text));
        assertThat(tokens.estimate(List.of(new UserMessage(text), new AssistantMessage("ok"))))
                .isEqualTo(tokens.count(text) + tokens.count("ok"));
        List<Message> dialog = List.of(new SystemMessage("S"), new UserMessage(text));
        assertThat(tokens.countPrompt(dialog)).isEqualTo(greedy(1).renderPrompt(dialog).length);
    }

    private static ToolCallback tool(String name) {
        return new ToolCallback() {
            @Override
            public ToolDefinition getToolDefinition() {
                return ToolDefinition.builder().name(name).description("test tool").inputSchema("{}").build();
            }

            @Override
            public String call(String toolInput) {
                return "noon";
            }
        };
    }
}
