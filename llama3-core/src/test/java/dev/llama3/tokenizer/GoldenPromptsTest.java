package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The prompts of the model goldens, tokenized by llama.cpp in all four (add BOS, parse special) variants, with the
 * Llama 3.1 vocabulary of the tiny models.
 */
class GoldenPromptsTest {

    static Stream<Arguments> variants() throws Exception {
        Path prompts = Fixtures.require("golden/prompts.json");
        ObjectMapper mapper = new ObjectMapper();
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode prompt : mapper.readTree(prompts.toFile())) {
            String id = prompt.get("id").asString();
            Path golden = Fixtures.require("golden/tiny64-f32/" + id + ".json");
            JsonNode g = mapper.readTree(golden.toFile());
            assertThat(g.get("text").asString()).isEqualTo(prompt.get("text").asString());
            for (Map.Entry<String, JsonNode> variant : g.get("tokenize").properties()) {
                boolean addBos = variant.getKey().contains("add_special=1");
                boolean parseSpecial = variant.getKey().contains("parse_special=1");
                cases.add(Arguments.of(id, addBos, parseSpecial, prompt.get("text").asString(), ids(variant.getValue())));
            }
            cases.add(Arguments.of(id + " (prompt_ids)", prompt.get("add_special").asBoolean(),
                    prompt.get("parse_special").asBoolean(), prompt.get("text").asString(), null));
        }
        assertThat(cases).hasSize(4 * 5);
        return cases.stream();
    }

    private static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    @ParameterizedTest(name = "{0} bos={1} special={2}")
    @MethodSource("variants")
    void matchesLlamaCpp(String id, boolean addBos, boolean parseSpecial, String text, int[] expected) throws Exception {
        Llama3Tokenizer tokenizer = TokenizerFixtures.tiny64Vocab();
        int[] actual = tokenizer.encode(text, addBos, parseSpecial);
        if (expected == null) {
            // the evaluated prompt: prompt_ids (before the max_tokens cut) come from the prompt's own flags
            JsonNode g = new ObjectMapper().readTree(
                    Fixtures.require("golden/tiny64-f32/" + id.replace(" (prompt_ids)", "") + ".json").toFile());
            int[] promptIds = ids(g.get("prompt_ids"));
            assertThat(actual).startsWith(promptIds);
            return;
        }
        assertThat(actual).containsExactly(expected);
        int textStart = addBos ? 1 : 0;
        int[] withoutBos = java.util.Arrays.copyOfRange(actual, textStart, actual.length);
        assertThat(tokenizer.decode(withoutBos)).isEqualTo(text);
    }
}
