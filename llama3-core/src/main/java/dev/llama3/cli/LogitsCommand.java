package dev.llama3.cli;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code llama3 logits}: evaluates a prompt in one batch and writes float32 little-endian logits of the last
 * position, or of every position ({@code [n][vocab]}, position-major) — the layout of the fixtures' goldens.
 */
final class LogitsCommand {

    int run(List<String> argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("no-bos", "special", "all-positions"));
        Path model = a.path("model");
        String prompt = a.string("prompt", null);
        List<Integer> idList = a.integers("ids", null);
        boolean noBos = a.flag("no-bos");
        boolean special = a.flag("special");
        boolean all = a.flag("all-positions");
        Path outFile = a.path("out");
        int threads = a.integer("t", ComputePool.defaultThreads());
        String backend = a.backend();
        a.rejectUnknown();
        if ((prompt == null) == (idList == null)) {
            throw new CliException("give exactly one of --prompt or --ids");
        }
        if (idList != null && idList.isEmpty()) {
            throw new CliException("--ids has no token ids");
        }
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(threads).backend(backend).build())) {
            int[] ids = idList != null
                    ? idList.stream().mapToInt(Integer::intValue).toArray()
                    : engine.tokenizer().encode(prompt, !noBos && engine.tokenizer().addBos(), special);
            if (ids.length == 0) {
                throw new CliException("the prompt has no tokens");
            }
            if (ids.length > engine.contextLength()) {
                throw new CliException(ids.length + " tokens do not fit the context of " + engine.contextLength());
            }
            try (Session session = engine.newSession()) {
                float[] logits = all ? session.evaluateAll(ids) : session.evaluate(ids);
                int count = all ? ids.length * engine.config().vocabSize() : engine.config().vocabSize();
                writeFloats(outFile, logits, count);
            }
            out.println("wrote " + (all ? ids.length + " x " : "") + engine.config().vocabSize() + " logits of "
                    + ids.length + " tokens to " + outFile);
        }
        return 0;
    }

    static void writeFloats(Path file, float[] values, int count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream os = Files.newOutputStream(file)) {
            for (int i = 0; i < count; i++) {
                if (buf.remaining() < 4) {
                    os.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(values[i]);
            }
            os.write(buf.array(), 0, buf.position());
        }
    }
}
