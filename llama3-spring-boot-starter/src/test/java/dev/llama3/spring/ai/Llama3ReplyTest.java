package dev.llama3.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.chat.ToolCallParser;
import dev.llama3.constrain.JsonSchema;
import dev.llama3.engine.FinishReason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a finished reply becomes Spring AI's answer: text, a tool call with an id, or an invalid call not run. */
class Llama3ReplyTest {

    private static final ToolCallParser PARSER = new ToolCallParser(Map.of("clock", JsonSchema.parse(
            "{\"type\": \"object\", \"properties\": {\"zone\": {\"type\": \"string\"}}, \"required\": [\"zone\"]}")));

    @Test
    void aCallBecomesAToolCallWithAFreshId() {
        Llama3Reply a = Llama3Reply.read("<|python_tag|>{\"name\": \"clock\", \"parameters\": {\"zone\": \"UTC\"}}",
                PARSER);
        Llama3Reply b = Llama3Reply.read("{\"name\": \"clock\", \"arguments\": {\"zone\": \"UTC\"}}", PARSER);
        assertThat(a.text()).isEmpty();
        assertThat(a.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("clock");
            assertThat(call.type()).isEqualTo("function");
            assertThat(call.arguments()).isEqualTo("{\"zone\": \"UTC\"}");
        });
        assertThat(a.toolCalls().getFirst().id()).isNotEqualTo(b.toolCalls().getFirst().id());
        assertThat(a.finishReason(FinishReason.STOP)).isEqualTo(Llama3ChatModel.FINISH_TOOL_CALLS);
        assertThat(a.message().getToolCalls()).isEqualTo(a.toolCalls());
    }

    @Test
    void textStaysText() {
        Llama3Reply r = Llama3Reply.read("It is noon.", PARSER);
        assertThat(r).isEqualTo(Llama3Reply.text("It is noon."));
        assertThat(r.finishReason(FinishReason.STOP)).isEqualTo(Llama3ChatModel.FINISH_STOP);
        assertThat(Llama3Reply.read("{\"name\": \"clock\"}", null).toolCalls()).isEmpty();
    }

    @Test
    void invalidCallsAreTextWithAReason() {
        Llama3Reply unknown = Llama3Reply.read("{\"name\": \"shell\", \"parameters\": {\"cmd\": \"rm -rf /\"}}",
                PARSER);
        assertThat(unknown.toolCalls()).isEmpty();
        assertThat(unknown.text()).contains("rm -rf");
        assertThat(unknown.toolCallError()).contains("'shell'", "not a declared tool");
        assertThat(unknown.finishReason(FinishReason.STOP)).isEqualTo(Llama3ChatModel.FINISH_INVALID_TOOL_CALL);

        Llama3Reply badArguments = Llama3Reply.read("{\"name\": \"clock\", \"parameters\": {\"zone\": 1}}", PARSER);
        assertThat(badArguments.toolCalls()).isEmpty();
        assertThat(badArguments.toolCallError()).contains("'clock'", "JSON Schema");

        Llama3Reply truncated = Llama3Reply.read("{\"name\": \"clo", PARSER);
        assertThat(truncated.toolCallError()).contains("not valid JSON");
        assertThat(truncated.finishReason(FinishReason.LENGTH)).isEqualTo(Llama3ChatModel.FINISH_LENGTH);
    }

    @Test
    void findsTheSchemaInSpringAisFormatInstructions() {
        String instructions = """
                Your response should be in JSON format.
                Do not include any explanations, only provide a RFC8259 compliant JSON response following this format \
                without deviation.
                Do not include markdown code blocks in your response.
                Remove the ```json markdown from the output.
                Here is the JSON Schema instance your output must adhere to:
                ```{
                  "type" : "object"
                }```
                """;
        assertThat(Llama3RequestPlanner.beanOutputSchema("Tell me.\n" + instructions))
                .isEqualTo("{\n  \"type\" : \"object\"\n}");
        assertThat(Llama3RequestPlanner.beanOutputSchema("Tell me.")).isNull();
        assertThat(Llama3RequestPlanner.beanOutputSchema(null)).isNull();
    }
}
