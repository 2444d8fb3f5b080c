package dev.llama3.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The command line end to end on a synthetic tiny model (no fixtures needed). */
class MainTest {
    @TempDir
    static Path dir;
    static Path model;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void synthesize() {
        model = dir.resolve("tiny.gguf");
        Run r = run("synth", "--shape", "tiny", "--type", "Q8_0", "--out", model.toString(), "-t", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("tiny", "Q8_0");
    }

    @Test
    void tokenizeTextAndJsonl() throws IOException {
        Run text = run("tokenize", "--model", model.toString(), "--text", "Hi<|eot_id|>", "--special");
        assertThat(text.status()).as(text.err()).isZero();
        // byte vocabulary: BOS, 'H', 'i', then <|eot_id|> parsed as a control token
        assertThat(text.out().trim()).isEqualTo("[256, 72, 105, 265]");

        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, """
                {"text": "Hi<|eot_id|>", "special": false}
                {"text": "Hi<|eot_id|>", "special": true}
                """);
        Run lines = run("tokenize", "--model", model.toString(), "--no-bos", "--jsonl", input.toString());
        assertThat(lines.status()).as(lines.err()).isZero();
        assertThat(lines.out().lines().toList()).containsExactly(
                "[72, 105, 60, 124, 101, 111, 116, 95, 105, 100, 124, 62]", "[72, 105, 265]");
    }

    @Test
    void logitsAreWrittenAsLittleEndianFloats() throws IOException {
        Path last = dir.resolve("last.f32");
        Path all = dir.resolve("all.f32");
        assertThat(run("logits", "--model", model.toString(), "--ids", "256,72,105", "--out", last.toString()).status()).isZero();
        assertThat(run("logits", "--model", model.toString(), "--ids", "256,72,105", "--out", all.toString(),
                "--all-positions").status()).isZero();
        byte[] lastBytes = Files.readAllBytes(last);
        byte[] allBytes = Files.readAllBytes(all);
        assertThat(lastBytes).hasSize(512 * 4);
        assertThat(allBytes).hasSize(3 * 512 * 4);
        ByteBuffer a = ByteBuffer.wrap(allBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer l = ByteBuffer.wrap(lastBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 512; i++) {
            assertThat(a.getFloat((2 * 512 + i) * 4)).isCloseTo(l.getFloat(i * 4), org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void generateAndBench() throws IOException {
        Run gen = run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "8", "--seed", "3");
        assertThat(gen.status()).as(gen.err()).isZero();
        assertThat(gen.out()).startsWith("Hello");
        assertThat(run("generate", "--model", model.toString(), "--prompt", "Hello", "-n", "8", "--seed", "3").out())
                .isEqualTo(gen.out());
        Run chat = run("generate", "--model", model.toString(), "--chat", "--system", "Be brief.", "--prompt", "Hi",
                "-n", "4", "--temperature", "0");
        assertThat(chat.status()).as(chat.err()).isZero();

        Run bench = run("bench", "--model", model.toString(), "-p", "16", "-n", "4", "-r", "1", "-t", "2", "--json");
        assertThat(bench.status()).as(bench.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(bench.out());
        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.get(0).get("test").asString()).isEqualTo("pp16");
        assertThat(rows.get(1).get("test").asString()).isEqualTo("tg4");
        assertThat(rows.get(1).get("avg_ts").asDouble()).isPositive();
        assertThat(rows.get(0).get("backend").asString()).isEqualTo("cpu");

        Run cpu = run("bench", "--model", model.toString(), "-p", "8", "-n", "0", "-r", "1", "-t", "2",
                "--backend", "cpu", "--json");
        assertThat(cpu.status()).as(cpu.err()).isZero();
        assertThat(new ObjectMapper().readTree(cpu.out()).get(0).get("backend").asString()).isEqualTo("cpu");

        Run turns = run("bench", "--model", model.toString(), "-p", "16", "-n", "4", "-r", "1", "-t", "2",
                "--concurrency", "2", "--prefix-reuse", "--json");
        assertThat(turns.status()).as(turns.err()).isZero();
        JsonNode all = new ObjectMapper().readTree(turns.out());
        assertThat(all.findValuesAsString("test")).containsExactly("pp16", "tg4", "tg4x2", "turn2-cold-16+16",
                "turn2-reuse-16+16");
        assertThat(all.get(2).get("concurrency").asInt()).isEqualTo(2);
        assertThat(all.get(4).get("avg_ms").asDouble()).isPositive();

        Run guard = run("guard", "--model", model.toString(), "--user", "How do I bake bread?", "--assistant",
                "Knead and bake.", "--threshold", "0", "-r", "2", "-t", "2");
        assertThat(guard.status()).as(guard.err()).isZero();
        JsonNode verdict = new ObjectMapper().readTree(guard.out());
        assertThat(verdict.get("safe").asBoolean()).isFalse();
        assertThat(verdict.get("judged").asString()).isEqualTo("Agent");
        assertThat(verdict.get("ms").size()).isEqualTo(2);
        assertThat(run("guard", "--model", model.toString(), "--user", "x", "--version", "4").err())
                .contains("--version must be 2, 3 or 3-1b");
    }

    @Test
    void userMistakesGiveOneLineAndStatus2() throws IOException {
        Run missing = run("generate", "--model", dir.resolve("nope.gguf").toString(), "--prompt", "x");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("not found").doesNotContain("Exception").doesNotContain("\tat ");

        Run unknown = run("tokenize", "--model", model.toString(), "--text", "x", "--bogus", "1");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option --bogus");

        Path garbage = dir.resolve("garbage.gguf");
        Files.write(garbage, "GGUF\u0003\u0000\u0000\u0000 this is not a model".getBytes(StandardCharsets.ISO_8859_1));
        Run bad = run("generate", "--model", garbage.toString(), "--prompt", "x");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains(garbage.toString()).doesNotContain("\tat ");

        assertThat(run("frobnicate").status()).isEqualTo(2);
        assertThat(run().status()).isEqualTo(2);
        assertThat(run("--help").status()).isZero();
        assertThat(run("logits", "--model", model.toString(), "--out", dir.resolve("x").toString()).err())
                .contains("exactly one of --prompt or --ids");

        // a backend asked for by name that cannot run: what is missing, no fallback, no stack trace
        String m = model.toString();
        for (String[] args : new String[][] {
                {"generate", "--model", m, "--prompt", "x", "--backend", "tornadovm"},
                {"bench", "--model", m, "-p", "4", "-n", "0", "-r", "1", "--backend", "tornadovm"},
                {"logits", "--model", m, "--ids", "1", "--out", dir.resolve("y").toString(), "--backend", "tornadovm"}}) {
            Run gpu = run(args);
            assertThat(gpu.status()).as(args[0]).isEqualTo(2);
            assertThat(gpu.err()).as(args[0]).contains("tornadovm").contains("llama3-tornadovm").doesNotContain("\tat ");
        }
    }
}
