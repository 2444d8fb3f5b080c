package dev.llama3.samples.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.llama3.constrain.JsonSchema;
import dev.llama3.samples.chat.SampleTesting;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The service's tools on a synthetic tiny model (random weights, byte-level vocabulary): the service's client offers
 * them all, and a call that the model is required to make names a declared tool with arguments valid against its
 * schema (constrained decoding), whatever the weights; Spring AI's loop runs the tool and the model reads the result
 * in an ipython turn.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import({SampleTesting.RecordModelCalls.class, SampleTesting.FixedDate.class})
class ToolsServiceTest {

    static final Path MODEL = SampleTesting.tinyModel();

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.llama3.model.path", MODEL::toString);
        registry.add("spring.ai.llama3.threads", () -> "1");
        registry.add("spring.ai.llama3.context-length", () -> "8192");
        registry.add("spring.ai.llama3.chat.max-tokens", () -> "600");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    SampleTesting.ModelCalls modelCalls;

    @Autowired
    List<ToolCallbackProvider> tools;

    @Autowired
    ChatClient.Builder builder;

    @Autowired
    UnitTools unitTools;

    @Autowired
    Llama3ChatModel model;

    @BeforeEach
    void forgetEarlierCalls() {
        this.modelCalls.clear();
    }

    /** The service's client offers the model all four tools, in Meta's JSON tool format. */
    @Test
    void theServiceOffersItsToolsToTheModel() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"message\": \"Where is my order A-1001?\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reply").isString());

        ChatClientRequest first = this.modelCalls.requests.getFirst();
        ToolCallingChatOptions options = (ToolCallingChatOptions) first.prompt().getOptions();
        assertThat(options.getToolCallbacks()).extracting(c -> c.getToolDefinition().name())
                .containsExactlyInAnyOrder("lookupOrder", "listOrders", "convertUnits", "currentTime");
        String prompt = this.model.getEngine().tokenizer().decode(this.model.renderPrompt(first.prompt()));
        assertThat(prompt).contains("Environment: ipython").contains("You are the customer assistant")
                .contains("\"name\": \"lookupOrder\"").contains("\"name\": \"convertUnits\"");

        // whatever the random weights chose, a call reached a tool only if it was valid for that tool
        List<ChatClientResponse> calls = this.modelCalls.responses;
        for (int i = 0; i < calls.size() - 1; i++) {
            AssistantMessage.ToolCall call = calls.get(i).chatResponse().getResult().getOutput().getToolCalls()
                    .getFirst();
            assertThat(JsonSchema.parse(schemas().get(call.name())).validate(call.arguments())).isEmpty();
        }
    }

    /**
     * A round trip of the unit converter: the model must call it (tool choice required), constrained decoding makes
     * the arguments a number and two of the enum's units, the tool runs and its answer comes back in an ipython turn.
     * (Only this tool: a model with random weights may write a free-text argument, such as an order number, without
     * ever closing its quotes.)
     */
    @Test
    void unitConversionRoundTrip() {
        ChatClient client = this.builder.defaultToolCallbacks(ToolCallbacks.from(this.unitTools)).build();
        String answer = client.prompt().user("How many kilometres are 3 miles?")
                .options(Llama3ChatOptions.builder().toolChoice(Llama3ChatOptions.ToolChoice.REQUIRED)).call()
                .content();
        assertThat(answer).isNotNull();

        List<ChatClientResponse> calls = this.modelCalls.responses;
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.getFirst().chatResponse().getResult().getMetadata().getFinishReason())
                .isEqualTo(Llama3ChatModel.FINISH_TOOL_CALLS);
        AssistantMessage.ToolCall call = calls.getFirst().chatResponse().getResult().getOutput().getToolCalls()
                .getFirst();
        assertThat(call.name()).isEqualTo("convertUnits");
        assertThat(JsonSchema.parse(schemas().get(call.name())).validate(call.arguments())).isEmpty();

        ToolResponseMessage result = (ToolResponseMessage) this.modelCalls.requests.get(1).prompt().getInstructions()
                .getLast();
        assertThat(result.getResponses().getFirst().responseData())
                .isEqualTo(ToolCallbacks.from(this.unitTools)[0].call(call.arguments()))
                .matches(".+ = .+|Cannot convert .+");
        assertThat(calls.getLast().chatResponse().getResult().getOutput().getToolCalls()).isEmpty();
    }

    private Map<String, String> schemas() {
        return this.tools.stream().flatMap(p -> Arrays.stream(p.getToolCallbacks()))
                .collect(Collectors.toMap(c -> c.getToolDefinition().name(), c -> c.getToolDefinition().inputSchema()));
    }
}
