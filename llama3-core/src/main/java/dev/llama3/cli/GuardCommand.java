package dev.llama3.cli;

import dev.llama3.chat.ChatMessage;
import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.guard.GuardPolicy;
import dev.llama3.guard.GuardVerdict;
import dev.llama3.guard.LlamaGuard;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code llama3 guard}: classifies a user message (or an assistant reply to it) with a Llama Guard model and prints
 * the verdict as JSON with the time it took; {@code -r N} repeats the check to measure the guard's latency, with
 * {@code --vary} on a different user message each time (as a service sees them: only the policy text is shared).
 */
final class GuardCommand {

    int run(List<String> argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("vary"));
        Path model = a.path("model");
        String user = a.required("user");
        String assistant = a.string("assistant", null);
        String version = a.string("version", "3");
        float threshold = a.decimal("threshold", 0.5f);
        int reps = a.integer("r", 1);
        int threads = a.integer("t", ComputePool.defaultThreads());
        boolean vary = a.flag("vary");
        String backend = a.backend();
        a.rejectUnknown();
        GuardPolicy policy = switch (version) {
            case "2" -> GuardPolicy.llamaGuard2();
            case "3" -> GuardPolicy.llamaGuard3();
            case "3-1b" -> GuardPolicy.llamaGuard3OneB();
            default -> throw new CliException("--version must be 2, 3 or 3-1b, got '" + version + "'");
        };
        if (reps <= 0) {
            throw new CliException("-r must be positive");
        }
        List<ChatMessage> conversation = new ArrayList<>(List.of(ChatMessage.user(user)));
        if (assistant != null) {
            conversation.add(ChatMessage.assistant(assistant));
        }
        try (LlamaEngine engine = LlamaEngine.load(model, EngineOptions.builder().threads(threads).backend(backend).contextLength(4096)
                .build())) {
            LlamaGuard guard = new LlamaGuard(engine, policy);
            int promptTokens = guard.prompt().render(conversation).length;
            GuardVerdict verdict = null;
            List<Double> millis = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                List<ChatMessage> checked = conversation;
                if (vary && r > 0) {
                    // a different message each time: only the shared policy prefix can be reused
                    checked = new ArrayList<>(conversation);
                    checked.set(0, ChatMessage.user("(request " + r + ") " + user));
                }
                long t0 = System.nanoTime();
                verdict = guard.check(checked, threshold);
                millis.add((System.nanoTime() - t0) / 1e6);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("safe", verdict.safe());
            json.put("categories", verdict.categories());
            json.put("unsafe_probability", verdict.unsafeProbability());
            json.put("judged", assistant == null ? "User" : "Agent");
            json.put("prompt_tokens", promptTokens);
            json.put("ms", millis);
            out.println(new ObjectMapper().writeValueAsString(json));
        }
        return 0;
    }
}
