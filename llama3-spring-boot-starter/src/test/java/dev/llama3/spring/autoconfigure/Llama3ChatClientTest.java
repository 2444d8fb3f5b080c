package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.engine.TokenListener;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import dev.llama3.testing.TestModels;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation.HighCardinalityKeyNames;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * End to end as an application sees it: Spring AI's own auto-configurations build the {@link ChatClient} on the
 * auto-configured {@link Llama3ChatModel}; calls, streams, stream cancellation and the three layers of options
 * (built-in defaults &lt; {@code spring.ai.llama3.chat.*} &lt; per-request), on a synthetic model and, when the
 * fixtures are there, on a model with the real Llama 3 vocabulary.
 */
class Llama3ChatClientTest {

    private static ApplicationContextRunner runner(Path model) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, ChatClientAutoConfiguration.class,
                        ChatObservationAutoConfiguration.class))
                .withUserConfiguration(Observations.class)
                .withPropertyValues("spring.ai.llama3.model.path=" + model, "spring.ai.llama3.threads=1",
                        "spring.ai.llama3.context-length=192", "spring.ai.llama3.chat.temperature=0",
                        "spring.ai.llama3.chat.max-tokens=6")
                // a prompt with tools states today's date; a random-weight model's reply depends on it
                .withBean(Clock.class, () -> Llama3ToolCallingTest.NOV_23_2026);
    }

    private static ChatClient client(ApplicationContext context) {
        return context.getBean(ChatClient.Builder.class).build();
    }

    /** The engine's own greedy reply to {@code question}, rendered the way the chat model renders it. */
    private static GenerationResult direct(ApplicationContext context, String question, int maxTokens) {
        LlamaEngine engine = context.getBean(LlamaEngine.class);
        int[] prompt = context.getBean(Llama3ChatModel.class).renderPrompt(List.of(new UserMessage(question)));
        try (Session s = engine.newSession()) {
            return s.generate(prompt, engine.chatRequest(SamplingOptions.greedy(), maxTokens), TokenListener.NONE);
        }
    }

    @Test
    void callAndStreamOnTheSyntheticModel() {
        runner(TestModels.tiny()).run(context -> callAndStream(context, "Hello, who are you?"));
    }

    @Test
    void callAndStreamOnTheRealVocabulary() {
        runner(TestModels.fixtureTiny64()).run(context -> {
            callAndStream(context, "What is the capital of France? Answer in one word.");
            ChatResponse r = client(context).prompt("What is the capital of France? Answer in one word.").call()
                    .chatResponse();
            // 22 tokens, as llama.cpp tokenizes this dialog (fixtures golden chat_user)
            assertThat(r.getMetadata().getUsage().getPromptTokens()).isEqualTo(22);
        });
    }

    private static void callAndStream(ApplicationContext context, String question) {
        ChatClient client = client(context);
        ChatResponse called = client.prompt(question).call().chatResponse();
        GenerationResult expected = direct(context, question, 6);
        assertThat(called.getResult().getOutput().getText()).isEqualTo(expected.text());
        assertThat(called.getMetadata().getUsage().getCompletionTokens())
                .isEqualTo(expected.completionTokens());
        assertThat(called.getResult().getMetadata().getFinishReason())
                .isEqualTo(Llama3ChatModel.finishReason(expected.finishReason()));

        List<String> pieces = client.prompt(question).stream().content().collectList()
                .block(Duration.ofSeconds(30));
        assertThat(String.join("", pieces)).isEqualTo(expected.text());

        List<ChatResponse> chunks = client.prompt(question).stream().chatResponse().collectList()
                .block(Duration.ofSeconds(30));
        ChatResponse last = chunks.getLast();
        assertThat(last.getResult().getMetadata().getFinishReason())
                .isEqualTo(Llama3ChatModel.finishReason(expected.finishReason()));
        assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(expected.completionTokens());
        assertThat(last.getMetadata().getUsage().getPromptTokens())
                .isEqualTo(called.getMetadata().getUsage().getPromptTokens());
        assertThat(chunks.stream().map(c -> c.getResult().getOutput().getText()).collect(Collectors.joining()))
                .isEqualTo(expected.text());
    }

    @Test
    void cancellingAChatClientStreamFreesTheSession() {
        runner(TestModels.tiny()).withPropertyValues("spring.ai.llama3.chat.max-tokens=1000").run(context -> {
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            long before = model.generatedTokens();
            List<String> two = client(context).prompt("Talk until the context is full").stream().content()
                    .take(2).collectList().block(Duration.ofSeconds(30));
            assertThat(two).hasSize(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> model.activeGenerations() == 0);
            // The context holds 192 positions: without the cancellation about 180 tokens would follow. The tiny model
            // decodes thousands of tokens a second, so the tokens decoded while the cancellation travels from the
            // subscriber to the session (a few milliseconds on a busy machine) are allowed for.
            assertThat(model.generatedTokens() - before).isLessThan(60);
        });
    }

    /** A client that goes away (disposal from another thread, as a web server does) while tools are offered. */
    @Test
    void disposingAStreamWithToolsFreesTheSession() {
        runner(TestModels.tiny()).withPropertyValues("spring.ai.llama3.chat.max-tokens=1500",
                "spring.ai.llama3.context-length=4096").run(context -> {
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            java.util.concurrent.CountDownLatch pieces = new java.util.concurrent.CountDownLatch(3);
            reactor.core.Disposable subscription = client(context).prompt("Talk until the context is full")
                    .tools(new Llama3ToolCallingTest.Weather()).stream().content()
                    .subscribe(piece -> pieces.countDown());
            assertThat(pieces.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long before = model.generatedTokens();
            subscription.dispose();
            await().atMost(Duration.ofSeconds(10)).until(() -> model.activeGenerations() == 0);
            assertThat(model.generatedTokens() - before).isLessThan(60);
        });
    }

    @Test
    void optionsMergeBuiltInDefaultsThenPropertiesThenTheRequest() {
        runner(TestModels.tiny()).withPropertyValues("spring.ai.llama3.chat.top-k=12").run(context -> {
            ChatClient client = client(context);
            Recorder observations = context.getBean(Recorder.class);

            // properties: greedy, 6 tokens, top-k 12; built-in: top-p 0.95
            ChatResponse byProperties = client.prompt("Hi").call().chatResponse();
            assertThat(byProperties.getMetadata().getUsage().getCompletionTokens()).isEqualTo(6);
            assertLastObservation(observations, "0.0", "6", "12", "0.95");

            // the request overrides max-tokens (portable options) and top-k (ours); the rest stays
            ChatResponse byRequest = client.prompt("Hi")
                    .options(Llama3ChatOptions.builder().maxTokens(3).topK(5).minP(0.0)).call().chatResponse();
            assertThat(byRequest.getMetadata().getUsage().getCompletionTokens()).isEqualTo(3);
            assertThat(byRequest.getResult().getOutput().getText()).isEqualTo(direct(context, "Hi", 3).text());
            assertLastObservation(observations, "0.0", "3", "5", "0.95");

            ChatResponse portable = client.prompt("Hi").options(ChatOptions.builder().maxTokens(2)).call()
                    .chatResponse();
            assertThat(portable.getMetadata().getUsage().getCompletionTokens()).isEqualTo(2);

            // ChatClient-level defaults sit between the properties and the request
            ChatClient withDefaults = context.getBean(ChatClient.Builder.class)
                    .defaultOptions(Llama3ChatOptions.builder().maxTokens(4)).build();
            assertThat(withDefaults.prompt("Hi").call().chatResponse().getMetadata().getUsage()
                    .getCompletionTokens()).isEqualTo(4);
            assertThat(withDefaults.prompt("Hi").options(ChatOptions.builder().maxTokens(1)).call().chatResponse()
                    .getMetadata().getUsage().getCompletionTokens()).isEqualTo(1);
        });
    }

    private static void assertLastObservation(Recorder recorder, String temperature, String maxTokens, String topK,
            String topP) {
        ChatModelObservationContext last = recorder.stopped.getLast();
        assertThat(last.getName()).isEqualTo(DefaultChatModelObservationConvention.DEFAULT_NAME);
        assertThat(last.getHighCardinalityKeyValue(HighCardinalityKeyNames.REQUEST_TEMPERATURE.asString())
                .getValue()).isEqualTo(temperature);
        assertThat(last.getHighCardinalityKeyValue(HighCardinalityKeyNames.REQUEST_MAX_TOKENS.asString())
                .getValue()).isEqualTo(maxTokens);
        assertThat(last.getHighCardinalityKeyValue(HighCardinalityKeyNames.REQUEST_TOP_K.asString()).getValue())
                .isEqualTo(topK);
        assertThat(last.getHighCardinalityKeyValue(HighCardinalityKeyNames.REQUEST_TOP_P.asString()).getValue())
                .isEqualTo(topP);
    }

    /** Keeps every chat-model observation context once it has stopped (and so carries all its key values). */
    static final class Recorder implements ObservationHandler<ChatModelObservationContext> {
        final List<ChatModelObservationContext> stopped = new CopyOnWriteArrayList<>();

        @Override
        public void onStop(ChatModelObservationContext context) {
            this.stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof ChatModelObservationContext;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        Recorder recorder() {
            return new Recorder();
        }

        @Bean
        ObservationRegistry observationRegistry(Recorder recorder) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(recorder);
            return registry;
        }
    }
}
