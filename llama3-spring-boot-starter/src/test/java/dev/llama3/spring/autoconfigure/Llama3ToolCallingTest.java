package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.constrain.JsonSchema;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import dev.llama3.spring.ai.Llama3ChatOptions.ToolChoice;
import dev.llama3.testing.TestModels;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.ObjectMapper;

/**
 * Tool calling and structured output end to end, through Spring AI's {@link ChatClient} and its tool loop, on models
 * with random weights: whatever such a model "wants", constrained decoding makes its calls name a declared
 * {@code @Tool} with arguments that match the tool's schema, and makes {@code .entity(...)} replies parse.
 */
class Llama3ToolCallingTest {

    enum City { PARIS, ROME, OSLO }

    /** A {@code @Tool} that records its calls. */
    static final class Weather {
        final List<City> calls = new CopyOnWriteArrayList<>();

        @Tool(description = "The current temperature in a city, in degrees Celsius")
        int temperature(@ToolParam(description = "The city") City city) {
            this.calls.add(city);
            return 21;
        }
    }

    // long, not int: the constraint bounds integers to 18 digits (any long) but does not read "format": "int32"
    record Reading(City city, long celsius, boolean sunny) {}

    private static ApplicationContextRunner runner(Path model) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, ChatClientAutoConfiguration.class,
                        ChatObservationAutoConfiguration.class))
                .withUserConfiguration(Llama3ChatClientTest.Observations.class)
                .withPropertyValues("spring.ai.llama3.model.path=" + model, "spring.ai.llama3.threads=1",
                        "spring.ai.llama3.context-length=2048", "spring.ai.llama3.chat.temperature=0",
                        "spring.ai.llama3.chat.max-tokens=400")
                // the tool prompt states today's date; a random-weight model's reply depends on it
                .withBean(Clock.class, () -> NOV_23_2026);
    }

    /** The date the tests state in tool prompts (see {@link #runner}). */
    static final Clock NOV_23_2026 = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void theToolPromptStatesTheDateOfTheApplicationsClock() {
        runner(TestModels.tiny()).run(context -> {
            Prompt prompt = new Prompt(List.of(new UserMessage("How warm is it in Rome?")), Llama3ChatOptions.builder()
                    .toolCallbacks(List.of(MethodToolCallbackProvider.builder().toolObjects(new Weather()).build()
                            .getToolCallbacks()))
                    .build());
            int[] tokens = context.getBean(Llama3ChatModel.class).renderPrompt(prompt);
            assertThat(context.getBean(LlamaEngine.class).tokenizer().decode(tokens))
                    .contains("Today Date: 23 Nov 2026\n");
        });
    }

    private static ChatClient client(ApplicationContext context) {
        return context.getBean(ChatClient.Builder.class).build();
    }

    private static List<ChatModelObservationContext> modelCalls(ApplicationContext context) {
        return context.getBean(Llama3ChatClientTest.Recorder.class).stopped;
    }

    @Test
    void toolRoundTripOnTheSyntheticModel() {
        runner(TestModels.tiny()).run(Llama3ToolCallingTest::toolRoundTrip);
    }

    @Test
    void toolRoundTripOnTheRealVocabulary() {
        runner(TestModels.fixtureTiny64()).run(Llama3ToolCallingTest::toolRoundTrip);
    }

    /**
     * REQUIRED makes the first reply a call of {@code temperature} with a schema-valid city; ChatClient's tool loop
     * runs it, the result goes back as an ipython turn, and the loop ends with a text answer.
     */
    private static void toolRoundTrip(ApplicationContext context) {
        Weather weather = new Weather();
        Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
        ChatResponse answer = client(context).prompt("How warm is it in Rome right now?").tools(weather)
                .options(Llama3ChatOptions.builder().toolChoice(ToolChoice.REQUIRED)).call().chatResponse();

        List<ChatModelObservationContext> calls = modelCalls(context);
        assertThat(calls.size()).isGreaterThanOrEqualTo(2);
        assertThat(weather.calls).hasSize(calls.size() - 1);

        // round 1: a call of the declared tool, arguments valid against its schema, nothing run by the model
        ChatResponse first = calls.getFirst().getResponse();
        assertThat(first.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3ChatModel.FINISH_TOOL_CALLS);
        AssistantMessage.ToolCall call = first.getResult().getOutput().getToolCalls().getFirst();
        assertThat(call.name()).isEqualTo("temperature");
        assertThat(call.id()).startsWith("call_");
        String schema = MethodToolCallbackProvider.builder().toolObjects(weather).build().getToolCallbacks()[0]
                .getToolDefinition().inputSchema();
        assertThat(JsonSchema.parse(schema).validate(call.arguments())).isEmpty();
        assertThat(weather.calls.getFirst().name())
                .isEqualTo(new ObjectMapper().readTree(call.arguments()).get("city").asString());

        // round 2: the call and its result (an ipython turn) are in the prompt the model reads
        Prompt second = calls.get(1).getRequest();
        List<Message> history = second.getInstructions();
        assertThat(history.get(history.size() - 2)).isInstanceOfSatisfying(AssistantMessage.class,
                a -> assertThat(a.getToolCalls()).containsExactly(call));
        assertThat(history.getLast()).isInstanceOfSatisfying(ToolResponseMessage.class,
                t -> assertThat(t.getResponses().getFirst().responseData()).isEqualTo("21"));
        int[] tokens = model.renderPrompt(second);
        var tokenizer = model.getEngine().tokenizer();
        assertThat(tokens).containsSubsequence(tokenizer.encode(
                "<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n21<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n", false, true));
        assertThat(tokens).containsSubsequence(tokenizer.encode("<|start_header_id|>assistant<|end_header_id|>\n\n"
                + "{\"name\": \"temperature\", \"parameters\": " + call.arguments() + "}<|eot_id|>", false, true));

        // the loop ended with an answer in words
        assertThat(answer.getResult().getOutput().getToolCalls()).isEmpty();
        assertThat(answer.getResult().getMetadata().getFinishReason()).isIn(Llama3ChatModel.FINISH_STOP,
                Llama3ChatModel.FINISH_LENGTH);
    }

    @Test
    void streamedToolCallsNeverReachTheClientAsText() {
        runner(TestModels.tiny()).run(context -> {
            Weather weather = new Weather();
            List<String> pieces = client(context).prompt("How warm is it in Oslo?").tools(weather)
                    .options(Llama3ChatOptions.builder().toolChoice(ToolChoice.REQUIRED)).stream().content()
                    .collectList().block(Duration.ofSeconds(60));
            assertThat(weather.calls).isNotEmpty();
            assertThat(String.join("", pieces)).doesNotContain("\"parameters\"");
        });
    }

    @Test
    void entityAlwaysParses() {
        runner(TestModels.tiny()).run(context -> {
            ChatClient client = client(context);
            // Spring AI's default: the schema comes as format instructions in the user message
            Reading reading = client.prompt("What is the weather like in Paris?").call().entity(Reading.class);
            assertThat(reading).isNotNull();
            assertThat(reading.city()).isNotNull();
            ChatModelObservationContext call = modelCalls(context).getLast();
            assertThat(call.getRequest().getUserMessage().getText()).contains("JSON Schema");

            // native structured output: the schema comes as an option, the prompt has no instructions
            Reading nativeReading = client.prompt("What is the weather like in Paris?").call()
                    .entity(Reading.class, spec -> spec.useProviderStructuredOutput());
            assertThat(nativeReading).isNotNull();
            ChatModelObservationContext nativeCall = modelCalls(context).getLast();
            assertThat(nativeCall.getRequest().getUserMessage().getText()).doesNotContain("JSON Schema");
            assertThat(((Llama3ChatOptions) nativeCall.getRequest().getOptions()).getOutputSchema())
                    .contains("\"celsius\"");
        });
    }

    @Test
    void toolsFirstThenAnEntity() {
        // tool prompt, format instructions and the call's whitespace take most of 2048 positions of a byte-level
        // vocabulary; the synthetic model reads any length
        runner(TestModels.tiny()).withPropertyValues("spring.ai.llama3.context-length=4096").run(context -> {
            Weather weather = new Weather();
            Reading reading = client(context).prompt("How warm is it in Rome?").tools(weather)
                    .options(Llama3ChatOptions.builder().toolChoice(ToolChoice.REQUIRED)).call()
                    .entity(Reading.class);
            // round 1 had to call the tool; once its result was in, the reply had to match the record's schema
            assertThat(weather.calls).hasSize(1);
            assertThat(reading).isNotNull();
            assertThat(modelCalls(context)).hasSize(2);
        });
    }

    @Test
    void entityAlwaysParsesOnTheRealVocabulary() {
        runner(TestModels.fixtureTiny64()).run(context -> {
            Reading reading = client(context).prompt("What is the weather like in Paris?").call()
                    .entity(Reading.class);
            assertThat(reading).isNotNull();
            assertThat(reading.city()).isNotNull();
        });
    }

    @Test
    void aCallCutShortIsReportedAndNeverRun() {
        runner(TestModels.tiny()).run(context -> {
            Weather weather = new Weather();
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            var tools = MethodToolCallbackProvider.builder().toolObjects(weather).build().getToolCallbacks();
            ChatResponse r = model.call(new Prompt(List.of(new UserMessage("Oslo?")), Llama3ChatOptions.builder()
                    .toolCallbacks(List.of(tools)).toolChoice(ToolChoice.REQUIRED).maxTokens(30).build()));
            assertThat(r.getResult().getOutput().getToolCalls()).isEmpty();
            assertThat(r.getResult().getOutput().getText().strip()).startsWith("{");
            assertThat(r.getResult().getMetadata().getFinishReason()).isEqualTo(Llama3ChatModel.FINISH_LENGTH);
            assertThat((String) r.getResult().getMetadata().get("toolCallError")).contains("not valid JSON");
            assertThat(weather.calls).isEmpty();
        });
    }

    @Test
    void toolOptionsMergeDefaultsThenPropertiesThenTheRequest() {
        runner(TestModels.tiny()).run(context -> {
            Llama3ChatOptions defaults = context.getBean(Llama3ChatModel.class).getOptions();
            assertThat(defaults.getToolChoice()).isEqualTo(ToolChoice.AUTO);
            assertThat(defaults.getToolPromptPlacement()).isEqualTo(dev.llama3.chat.ToolPromptPlacement.USER_MESSAGE);
        });
        runner(TestModels.tiny()).withPropertyValues("spring.ai.llama3.chat.tool-choice=required",
                "spring.ai.llama3.chat.tool-prompt-placement=system-message").run(context -> {
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            assertThat(model.getOptions().getToolChoice()).isEqualTo(ToolChoice.REQUIRED);
            Weather weather = new Weather();
            var tools = List.of(MethodToolCallbackProvider.builder().toolObjects(weather).build().getToolCallbacks());
            var tokenizer = model.getEngine().tokenizer();
            String intro = "You have access to the following functions.";
            // properties: definitions in the system message, a call is required
            int[] byProperties = model.renderPrompt(new Prompt("Oslo?",
                    Llama3ChatOptions.builder().toolCallbacks(tools).build()));
            assertThat(tokenizer.decode(byProperties)).contains(intro);
            ChatResponse required = model.call(new Prompt("Oslo?",
                    Llama3ChatOptions.builder().toolCallbacks(tools).build()));
            assertThat(required.getResult().getOutput().getToolCalls()).hasSize(1);
            // the request overrides both
            int[] byRequest = model.renderPrompt(new Prompt("Oslo?", Llama3ChatOptions.builder().toolCallbacks(tools)
                    .toolPromptPlacement(dev.llama3.chat.ToolPromptPlacement.USER_MESSAGE).build()));
            assertThat(tokenizer.decode(byRequest)).doesNotContain(intro).contains("Given the following functions");
            ChatResponse none = client(context).prompt("Oslo?").tools(weather)
                    .options(Llama3ChatOptions.builder().toolChoice(ToolChoice.NONE).maxTokens(4)).call()
                    .chatResponse();
            assertThat(none.getResult().getOutput().getToolCalls()).isEmpty();
            assertThat(weather.calls).isEmpty();
            assertThat(tokenizer.decode(model.renderPrompt(modelCalls(context).getLast().getRequest())))
                    .doesNotContain("Environment: ipython");
        });
    }
}
