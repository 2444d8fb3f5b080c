package dev.llama3.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.chat.ToolCallParser.Call;
import dev.llama3.chat.ToolCallParser.Invalid;
import dev.llama3.chat.ToolCallParser.Result;
import dev.llama3.chat.ToolCallParser.Text;
import dev.llama3.constrain.JsonSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replies as Llama 3.1 writes them, Meta's variants included, and every way a call can be wrong. */
class ToolCallParserTest {

    private static final ToolCallParser PARSER = new ToolCallParser(Map.of(
            "get_weather", JsonSchema.parse("""
                    {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                     "required": ["city"], "additionalProperties": false}"""),
            "now", JsonSchema.parse("{\"type\": \"object\", \"properties\": {}}")));

    @Test
    void aCallKeepsTheModelsArgumentsAsWritten() {
        Result r = PARSER.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\":  \"Paris\" , \"days\": 2}}");
        assertThat(r).isEqualTo(new Call("get_weather", "{\"city\":  \"Paris\" , \"days\": 2}"));
    }

    @Test
    void metasVariants() {
        Call expected = new Call("get_weather", "{\"city\": \"Paris\"}");
        assertThat(PARSER.parse("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}"))
                .isEqualTo(expected);
        assertThat(PARSER.parse("\n <|python_tag|> {\"type\": \"function\", \"name\": \"get_weather\", "
                + "\"arguments\": {\"city\": \"Paris\"}}\n")).isEqualTo(expected);
        assertThat(PARSER.parse("{\"parameters\": {\"city\": \"Paris\"}, \"name\": \"get_weather\"}"))
                .isEqualTo(expected);
        assertThat(PARSER.parse("{\"name\": \"now\"}")).isEqualTo(new Call("now", "{}"));
    }

    @Test
    void textIsText() {
        assertThat(PARSER.parse("It is sunny in Paris.")).isEqualTo(new Text("It is sunny in Paris."));
        assertThat(PARSER.parse("")).isEqualTo(new Text(""));
        assertThat(PARSER.parse("  The JSON is {\"a\": 1}")).isEqualTo(new Text("  The JSON is {\"a\": 1}"));
    }

    @Test
    void malformedJson() {
        String truncated = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Par";
        assertThat(PARSER.parse(truncated)).isInstanceOfSatisfying(Invalid.class, i -> {
            assertThat(i.text()).isEqualTo(truncated);
            assertThat(i.reason()).startsWith("the tool call is not valid JSON");
        });
        assertThat(reason("{\"name\": \"now\"} {\"name\": \"now\"}")).contains("followed by more text");
        assertThat(reason("{\"parameters\": {}}")).contains("no \"name\"");
        assertThat(reason("{\"name\": 3}")).contains("\"name\" is not a string");
        assertThat(reason("{\"name\": \"now\", \"parameters\": [1]}")).contains("\"parameters\" is not a JSON object");
        assertThat(reason("<|python_tag|>print(1)")).contains("code interpreter");
    }

    @Test
    void unknownTool() {
        assertThat(reason("{\"name\": \"rm_rf\", \"parameters\": {}}"))
                .isEqualTo("the model called 'rm_rf', which is not a declared tool (declared: get_weather, now)");
    }

    @Test
    void argumentsThatBreakTheSchema() {
        assertThat(reason("{\"name\": \"get_weather\", \"parameters\": {\"days\": 2}}"))
                .startsWith("the arguments of 'get_weather' do not match its JSON Schema: ").contains("city");
        assertThat(reason("{\"name\": \"get_weather\", \"parameters\": {\"city\": 7}}"))
                .startsWith("the arguments of 'get_weather' do not match its JSON Schema: ");
        assertThat(reason("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\", \"evil\": true}}"))
                .startsWith("the arguments of 'get_weather' do not match its JSON Schema: ").contains("evil");
    }

    private static String reason(String reply) {
        Result r = PARSER.parse(reply);
        assertThat(r).isInstanceOf(Invalid.class);
        return ((Invalid) r).reason();
    }
}
