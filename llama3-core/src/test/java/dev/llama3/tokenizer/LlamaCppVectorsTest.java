package dev.llama3.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * llama.cpp's own tokenizer test vectors for the Llama 3 vocabulary ({@code test-tokenizer-0} with
 * {@code ggml-vocab-llama-bpe.gguf}) and the 118 extra vectors produced with {@code llama-tokenize}: no BOS, no
 * special parsing, every id must match.
 */
class LlamaCppVectorsTest {

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    static Stream<Arguments> upstreamCases() throws Exception {
        Path inp = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf.inp");
        Path out = Fixtures.require("tokenizer/ggml-vocab-llama-bpe.gguf.out");
        String text = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> inputs = new ArrayList<>(Arrays.asList(text.split(SEPARATOR, -1)));
        inputs.removeLast(); // whatever follows the last separator is not a case
        List<String> outputs = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(outputs).hasSameSizeAs(inputs);
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String line = outputs.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(Arguments.of(i, inputs.get(i), ids));
        }
        return cases.stream();
    }

    @Test
    void upstreamFileHas46Cases() throws Exception {
        assertThat(upstreamCases().count()).isEqualTo(46);
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("upstreamCases")
    void upstreamVector(int index, String text, int[] expected) {
        Llama3Tokenizer tokenizer = TokenizerFixtures.llamaBpeVocab();
        assertThat(tokenizer.encode(text)).as("tokens of %s", printable(text)).containsExactly(expected);
        assertThat(tokenizer.encode(text, false, false)).containsExactly(expected);
        assertThat(tokenizer.decode(expected)).isEqualTo(text);
    }

    static Stream<Arguments> extraCases() throws Exception {
        Path path = Fixtures.require("tokenizer/extra.jsonl");
        ObjectMapper mapper = new ObjectMapper();
        List<Arguments> cases = new ArrayList<>();
        int line = 0;
        for (String json : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            line++;
            if (json.isBlank()) {
                continue;
            }
            JsonNode node = mapper.readTree(json);
            int[] ids = new int[node.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = node.get("ids").get(i).asInt();
            }
            cases.add(Arguments.of(line, node.get("text").asString(), ids, node.get("special").asBoolean()));
        }
        return cases.stream();
    }

    @Test
    void extraFileHas118Cases() throws Exception {
        assertThat(extraCases().count()).isEqualTo(118);
    }

    @ParameterizedTest(name = "line {0}")
    @MethodSource("extraCases")
    void extraVector(int line, String text, int[] expected, boolean special) {
        Llama3Tokenizer tokenizer = TokenizerFixtures.llamaBpeVocab();
        assertThat(tokenizer.encode(text, false, special)).as("tokens of %s", printable(text)).containsExactly(expected);
        assertThat(tokenizer.decode(expected)).isEqualTo(text);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\') {
                b.append((char) cp);
            } else {
                b.append(String.format("\\u{%X}", cp));
            }
        });
        return b.append('"').toString();
    }
}
