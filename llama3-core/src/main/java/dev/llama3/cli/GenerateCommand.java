package dev.llama3.cli;

import dev.llama3.chat.ChatMessage;
import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.GenerationRequest;
import dev.llama3.engine.GenerationResult;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code llama3 generate}: text completion, or one chat turn with {@code --chat}. */
final class GenerateCommand {

    int run(List<String> argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args(argv, Set.of("chat", "no-bos", "verbose"));
        Path model = a.path("model");
        String prompt = a.required("prompt");
        boolean chat = a.flag("chat");
        String system = a.string("system", null);
        int maxTokens = a.integer("n", 256);
        int threads = a.integer("t", ComputePool.defaultThreads());
        int context = a.integer("context", 0);
        boolean noBos = a.flag("no-bos");
        boolean verbose = a.flag("verbose");
        SamplingOptions.Builder sb = SamplingOptions.builder()
                .temperature(a.decimal("temperature", 0.8f))
                .topK(a.integer("top-k", 40))
                .topP(a.decimal("top-p", 0.95f))
                .minP(a.decimal("min-p", 0.05f))
                .repetitionPenalty(a.decimal("repeat-penalty", 1.0f));
        if (a.has("seed")) {
            sb.seed(a.longValue("seed", 0));
        }
        String stop = a.string("stop", null);
        String backend = a.backend();
        a.rejectUnknown();
        if (system != null && !chat) {
            throw new CliException("--system needs --chat");
        }
        SamplingOptions sampling = sb.build();

        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(threads).backend(backend).contextLength(context).build());
                Session session = engine.newSession()) {
            int[] ids;
            Set<Integer> stopTokens;
            if (chat) {
                List<ChatMessage> messages = new ArrayList<>();
                if (system != null) {
                    messages.add(ChatMessage.system(system));
                }
                messages.add(ChatMessage.user(prompt));
                ids = engine.chatFormat().render(messages, true);
                stopTokens = engine.chatFormat().stopTokens();
            } else {
                ids = engine.tokenizer().encode(prompt, !noBos && engine.tokenizer().addBos(), false);
                stopTokens = engine.tokenizer().endOfGenerationIds();
            }
            GenerationRequest request = new GenerationRequest(sampling, maxTokens,
                    stop == null ? List.of() : List.of(stop), stopTokens);
            if (!chat) {
                out.print(prompt);
            }
            GenerationResult r = session.generate(ids, request, (id, text) -> {
                out.print(text);
                out.flush();
                return true;
            });
            out.println();
            if (verbose || !chat) {
                err.printf(Locale.ROOT, "%n[prompt: %d tokens, %.1f tok/s | generated: %d tokens, %.1f tok/s | finish: %s]%n",
                        r.promptTokens(), r.promptTokens() * 1e9 / Math.max(1, r.promptNanos()),
                        r.completionTokens(), r.tokensPerSecond(), r.finishReason());
            }
        }
        return 0;
    }
}
