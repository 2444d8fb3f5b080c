package dev.llama3.cli;

import dev.llama3.gguf.GgufFile;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code llama3 tokenize}: prints token ids as a JSON array. With {@code --jsonl}, each input line
 * {@code {"text": "...", "special": false}} gives one output line of ids, all in one JVM. The model may be a
 * vocab-only GGUF.
 */
final class TokenizeCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    int run(List<String> argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("no-bos", "special"));
        Path model = a.path("model");
        boolean noBos = a.flag("no-bos");
        boolean special = a.flag("special");
        String text = a.string("text", null);
        String jsonl = a.string("jsonl", null);
        a.rejectUnknown();
        if ((text == null) == (jsonl == null)) {
            throw new CliException("give exactly one of --text or --jsonl");
        }
        try (GgufFile gguf = GgufFile.open(model)) {
            Llama3Tokenizer tokenizer = Llama3Tokenizer.fromGguf(gguf);
            boolean addBos = !noBos && tokenizer.addBos();
            if (text != null) {
                out.println(toJson(tokenizer.encode(text, addBos, special)));
                return 0;
            }
            Path input = Path.of(Args.expandHome(jsonl));
            StringBuilder buffer = new StringBuilder();
            try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                String line;
                int lineNo = 0;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = JSON.readTree(line);
                    } catch (RuntimeException e) {
                        throw new CliException(input + ":" + lineNo + ": not a JSON object: " + e.getMessage());
                    }
                    JsonNode t = node.get("text");
                    if (t == null || !t.isString()) {
                        throw new CliException(input + ":" + lineNo + ": missing string field \"text\"");
                    }
                    boolean lineSpecial = node.has("special") ? node.get("special").asBoolean() : special;
                    boolean lineBos = node.has("add_bos") ? node.get("add_bos").asBoolean() : addBos;
                    buffer.append(toJson(tokenizer.encode(t.asString(), lineBos, lineSpecial))).append('\n');
                    if (buffer.length() > 1 << 16) {
                        out.print(buffer);
                        buffer.setLength(0);
                    }
                }
            }
            out.print(buffer);
            out.flush();
        }
        return 0;
    }

    static String toJson(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
