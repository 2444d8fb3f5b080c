package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.gguf.GgufFile;
import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The fixtures' tokenizer vectors (llama.cpp's test-tokenizer-0 cases, extra.jsonl, the golden prompts): 100 % exact. */
class TokenizerFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Llama3Tokenizer load(Path gguf) throws IOException {
        try (GgufFile f = GgufFile.open(gguf)) {
            return Llama3Tokenizer.fromGguf(f);
        }
    }

    @Test
    void llamaCppTestVectors() throws IOException {
        Path vocab = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf");
        Llama3Tokenizer tokenizer = load(vocab);
        String inp = Files.readString(Path.of(vocab + ".inp"), StandardCharsets.UTF_8);
        List<String> out = Files.readAllLines(Path.of(vocab + ".out"), StandardCharsets.UTF_8);
        String[] cases = inp.split("\n__ggml_vocab_test__\n", -1);
        List<String> texts = Arrays.asList(cases).subList(0, cases.length - 1);
        assertThat(texts).hasSize(out.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String expected = out.get(i).strip();
            int[] ids = tokenizer.encode(texts.get(i), false, false);
            String got = String.join(" ", Arrays.stream(ids).mapToObj(Integer::toString).toList());
            if (!got.equals(expected)) {
                failures.add("case " + i + " " + JSON.writeValueAsString(texts.get(i)) + ": expected [" + expected + "] got [" + got + "]");
            }
            assertThat(tokenizer.decode(ids)).isEqualTo(texts.get(i));
        }
        assertThat(failures).as("%d of %d cases", failures.size(), texts.size()).isEmpty();
    }

    @Test
    void extraVectors() throws IOException {
        Llama3Tokenizer tokenizer = load(Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf"));
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (String line : Files.readAllLines(Fixtures.require("tokenizer/extra.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            count++;
            JsonNode node = JSON.readTree(line);
            String text = node.get("text").asString();
            int[] expected = ints(node.get("ids"));
            int[] got = tokenizer.encode(text, false, node.get("special").asBoolean());
            if (!Arrays.equals(expected, got)) {
                failures.add(JSON.writeValueAsString(text) + ": expected " + Arrays.toString(expected) + " got " + Arrays.toString(got));
            }
        }
        assertThat(count).isEqualTo(118);
        assertThat(failures).as("%d of %d vectors", failures.size(), count).isEmpty();
    }

    @Test
    void goldenPromptsInAllFourVariants() throws IOException {
        Llama3Tokenizer tokenizer = load(Fixtures.require("models/tiny64-f32.gguf"));
        Path golden = Fixtures.require("golden/tiny64-f32");
        int checked = 0;
        for (String id : List.of("en_capital", "chat_user", "zh", "multipos64")) {
            JsonNode g = JSON.readTree(golden.resolve(id + ".json").toFile());
            String text = g.get("text").asString();
            for (Map.Entry<String, JsonNode> variant : g.get("tokenize").properties()) {
                boolean addSpecial = variant.getKey().contains("add_special=1");
                boolean parseSpecial = variant.getKey().contains("parse_special=1");
                assertThat(tokenizer.encode(text, addSpecial, parseSpecial)).as("%s %s", id, variant.getKey())
                        .containsExactly(ints(variant.getValue()));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(16);
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
