package dev.llama3.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.llama3.spring.ai.Llama3ChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The sample's {@code currentTime} tool through {@code POST /chat}: with {@code tool-choice=required} the model's first
 * reply is a call of the tool (constrained decoding makes it one, even with random weights), Spring AI's tool loop runs
 * {@link TimeTools}, and the model's second turn reads the result in an ipython turn before it answers in text.
 */
@SpringBootTest(properties = "spring.ai.llama3.chat.tool-choice=required")
@Import({SampleTesting.RecordModelCalls.class, SampleTesting.FixedDate.class})
@AutoConfigureMockMvc
class ChatServiceToolsTest {

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.llama3.model.path", () -> ChatServiceApplicationTest.TinyModel.PATH.toString());
        registry.add("spring.ai.llama3.threads", () -> "1");
        registry.add("spring.ai.llama3.context-length", () -> "4096");
        registry.add("spring.ai.llama3.chat.temperature", () -> "0");
        // room for the whitespace a random-weight model puts between the call's JSON tokens
        registry.add("spring.ai.llama3.chat.max-tokens", () -> "1500");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    SampleTesting.ModelCalls modelCalls;

    @Test
    void theModelCallsTheToolAndReadsItsResult() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"message\": \"What time is it in Paris?\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reply").isString());

        List<ChatClientResponse> calls = this.modelCalls.responses;
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        AssistantMessage first = calls.getFirst().chatResponse().getResult().getOutput();
        assertThat(calls.getFirst().chatResponse().getResult().getMetadata().getFinishReason())
                .isEqualTo(Llama3ChatModel.FINISH_TOOL_CALLS);
        assertThat(first.getToolCalls()).singleElement()
                .satisfies(call -> assertThat(call.name()).isEqualTo("currentTime"));

        List<Message> second = this.modelCalls.requests.get(1).prompt().getInstructions();
        assertThat(second.getLast()).isInstanceOfSatisfying(ToolResponseMessage.class, result -> assertThat(
                result.getResponses().getFirst().responseData()).satisfiesAnyOf(
                        text -> assertThat(text).contains("Unknown time zone"),
                        text -> assertThat(text).matches("\"\\d{4}-\\d\\d-\\d\\dT.*\\(.*\\)\"")));
        assertThat(calls.getLast().chatResponse().getResult().getOutput().getToolCalls()).isEmpty();
    }
}
