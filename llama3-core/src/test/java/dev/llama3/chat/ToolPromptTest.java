package dev.llama3.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text of the Llama 3.1 JSON tool prompt, written out by hand from Meta's chat template and the llama.com page
 * "Llama 3.1 / JSON based tool calling" (token-level checks are in the starter's prompt-format tests).
 */
class ToolPromptTest {

    static final ToolDefinition CONDITIONS = new ToolDefinition("get_current_conditions",
            "Get the current weather conditions for a specific location",
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {\
            "location": {"type": "string", "description": "The city and state, e.g., San Francisco, CA"}, \
            "unit": {"type": "string", "enum": ["Celsius", "Fahrenheit"], \
            "description": "The temperature unit to use. Infer this from the user's location."}}, \
            "required": ["location", "unit"]}""");

    static final String CONDITIONS_JSON = """
            {
                "type": "function",
                "function": {
                    "name": "get_current_conditions",
                    "description": "Get the current weather conditions for a specific location",
                    "parameters": {
                        "type": "object",
                        "properties": {
                            "location": {
                                "type": "string",
                                "description": "The city and state, e.g., San Francisco, CA"
                            },
                            "unit": {
                                "type": "string",
                                "enum": [
                                    "Celsius",
                                    "Fahrenheit"
                                ],
                                "description": "The temperature unit to use. Infer this from the user's location."
                            }
                        },
                        "required": [
                            "location",
                            "unit"
                        ]
                    }
                }
            }""";

    static final LocalDate DAY = LocalDate.of(2024, 7, 26);

    @Test
    void definitionsInTheFirstUserMessage() {
        ToolPrompt prompt = new ToolPrompt(List.of(CONDITIONS), ToolPromptPlacement.USER_MESSAGE, DAY);
        List<ChatMessage> out = prompt.apply(List.of(ChatMessage.system("  You are a helpful assistant.\n"),
                ChatMessage.user("What is the weather in SF and Seattle?  ")));
        assertThat(out).containsExactly(
                ChatMessage.system("Environment: ipython\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 26 Jul 2024\n\nYou are a helpful assistant."),
                ChatMessage.user("Given the following functions, please respond with a JSON for a function call with "
                        + "its proper arguments that best answers the given prompt.\n\n"
                        + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name "
                        + "and its value}.Do not use variables.\n\n"
                        + CONDITIONS_JSON + "\n\n"
                        + "What is the weather in SF and Seattle?"));
    }

    @Test
    void definitionsInTheSystemMessage() {
        ToolPrompt prompt = new ToolPrompt(List.of(CONDITIONS), ToolPromptPlacement.SYSTEM_MESSAGE, DAY);
        List<ChatMessage> out = prompt.apply(List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("What is the weather in SF?")));
        assertThat(out).containsExactly(
                ChatMessage.system("Environment: ipython\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 26 Jul 2024\n\n"
                        + "You have access to the following functions. To call a function, please respond with JSON "
                        + "for a function call.Respond in the format {\"name\": function name, \"parameters\": "
                        + "dictionary of argument name and its value}.Do not use variables.\n\n"
                        + CONDITIONS_JSON + "\n\n"
                        + "You are a helpful assistant."),
                ChatMessage.user("What is the weather in SF?"));
    }

    @Test
    void withoutASystemMessageThePreambleKeepsItsBlankLine() {
        ToolPrompt prompt = new ToolPrompt(List.of(CONDITIONS), ToolPromptPlacement.USER_MESSAGE,
                LocalDate.of(2025, 3, 5));
        List<ChatMessage> out = prompt.apply(List.of(ChatMessage.user("Hi")));
        assertThat(out.getFirst()).isEqualTo(ChatMessage.system(
                "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 05 Mar 2025\n\n"));
    }

    @Test
    void callsAndResultsStayAsTheyAre() {
        ToolPrompt prompt = new ToolPrompt(List.of(CONDITIONS), ToolPromptPlacement.USER_MESSAGE, DAY);
        String call = ToolPrompt.callJson("get_current_conditions", " {\"location\": \"San Francisco, CA\"} ");
        assertThat(call).isEqualTo(
                "{\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\"}}");
        List<ChatMessage> out = prompt.apply(List.of(ChatMessage.user("Weather?"), ChatMessage.assistant(call),
                ChatMessage.ipython("{\"temperature\": 21}\n"), ChatMessage.assistant(" It is 21 degrees. "),
                ChatMessage.user(" Thanks ")));
        assertThat(out.subList(2, 6)).containsExactly(ChatMessage.assistant(call),
                ChatMessage.ipython("{\"temperature\": 21}\n"), ChatMessage.assistant("It is 21 degrees."),
                ChatMessage.user("Thanks"));
    }

    @Test
    void noUserMessagePutsTheDefinitionsInTheSystemMessage() {
        ToolPrompt prompt = new ToolPrompt(List.of(CONDITIONS), ToolPromptPlacement.USER_MESSAGE, DAY);
        List<ChatMessage> out = prompt.apply(List.of(ChatMessage.system("Go.")));
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().content()).contains(ToolPrompt.SYSTEM_MESSAGE_PREAMBLE).endsWith("\n\nGo.");
    }

    @Test
    void pythonStyleJson() {
        ToolDefinition odd = new ToolDefinition("say", "Says \"hi\"\tin ünïcode\u0001",
                "{\"type\":\"object\",\"properties\":{},\"required\":[],\"x\":1.5,\"y\":null,\"z\":[true,{}]}");
        ToolPrompt prompt = new ToolPrompt(List.of(odd), ToolPromptPlacement.USER_MESSAGE, DAY);
        assertThat(prompt.definitions()).isEqualTo("""
                {
                    "type": "function",
                    "function": {
                        "name": "say",
                        "description": "Says \\"hi\\"\\tin ünïcode\\u0001",
                        "parameters": {
                            "type": "object",
                            "properties": {},
                            "required": [],
                            "x": 1.5,
                            "y": null,
                            "z": [
                                true,
                                {}
                            ]
                        }
                    }
                }

                """);
    }

    @Test
    void rejectsBadDefinitions() {
        assertThatThrownBy(() -> new ToolPrompt(List.of(), ToolPromptPlacement.USER_MESSAGE, DAY))
                .hasMessageContaining("at least one tool");
        assertThatThrownBy(() -> new ToolPrompt(List.of(CONDITIONS, CONDITIONS), ToolPromptPlacement.USER_MESSAGE,
                DAY)).hasMessageContaining("two tools are named 'get_current_conditions'");
        assertThatThrownBy(() -> new ToolPrompt(List.of(new ToolDefinition("f", "", "[1]")),
                ToolPromptPlacement.USER_MESSAGE, DAY)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> new ToolPrompt(List.of(new ToolDefinition("f", "", "{oops")),
                ToolPromptPlacement.USER_MESSAGE, DAY)).hasMessageContaining("not valid JSON");
    }
}
