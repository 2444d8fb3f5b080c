package dev.llama3.spring.guard;

import com.github.benmanes.caffeine.cache.Cache;
import dev.llama3.chat.ChatMessage;
import dev.llama3.guard.GuardPolicy;
import dev.llama3.guard.GuardVerdict;
import dev.llama3.guard.LlamaGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;

/**
 * Llama Guard as a Spring bean: classifies the last user or assistant message of a Spring AI conversation. Usable
 * on its own ({@link #check(List)}) or through {@link Llama3GuardAdvisor} on every ChatClient.
 *
 * <p>Each verdict comes from the guard model's P(unsafe) against the configured threshold. Classifications that
 * fail or exceed the timeout count as unsafe unless the guard fails open. Identical conversations are classified
 * once while their verdict is in the cache (failures are never cached). Logs and metrics name the direction and
 * the categories, never the content.
 */
public class Llama3SafetyGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Llama3SafetyGuard.class);

    private final LlamaGuard guard;
    private final double threshold;
    private final boolean failOpen;
    private final Duration timeout;
    private final @Nullable Cache<List<ChatMessage>, GuardVerdict> cache;
    private final GuardMetrics metrics;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public Llama3SafetyGuard(LlamaGuard guard, double threshold, boolean failOpen, Duration timeout,
            @Nullable Cache<List<ChatMessage>, GuardVerdict> cache, GuardMetrics metrics) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.guard = guard;
        this.threshold = threshold;
        this.failOpen = failOpen;
        this.timeout = timeout;
        this.cache = cache;
        this.metrics = metrics;
    }

    public GuardPolicy policy() {
        return guard.policy();
    }

    public double threshold() {
        return threshold;
    }

    /** Classifies the last user or assistant message of {@code messages} (system and tool messages are ignored). */
    public GuardVerdict check(List<Message> messages) {
        List<ChatMessage> conversation = conversation(messages);
        GuardDirection direction = conversation.isEmpty()
                || conversation.getLast().role() != dev.llama3.chat.Role.ASSISTANT
                ? GuardDirection.INPUT : GuardDirection.OUTPUT;
        return check(conversation, direction);
    }

    GuardVerdict check(List<ChatMessage> conversation, GuardDirection direction) {
        if (conversation.isEmpty()) {
            return new GuardVerdict(true, List.of(), Double.NaN, "nothing to classify");
        }
        GuardVerdict cached = cache == null ? null : cache.getIfPresent(conversation);
        if (cached != null) {
            metrics.record(direction, cached, 0, true);
            logBlock(direction, cached);
            return cached;
        }
        long start = System.nanoTime();
        GuardVerdict verdict;
        Future<GuardVerdict> future = executor.submit(() -> guard.check(conversation, threshold));
        try {
            verdict = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (cache != null) {
                cache.put(List.copyOf(conversation), verdict);
            }
        } catch (TimeoutException e) {
            future.cancel(true);
            verdict = GuardVerdict.failure("no verdict within " + timeout, !failOpen);
        } catch (ExecutionException e) {
            log.warn("Llama Guard failed on the {} ({})", direction.tag(), e.getCause().toString());
            verdict = GuardVerdict.failure(e.getCause().toString(), !failOpen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            verdict = GuardVerdict.failure("interrupted", !failOpen);
        }
        metrics.record(direction, verdict, System.nanoTime() - start, false);
        logBlock(direction, verdict);
        return verdict;
    }

    private static void logBlock(GuardDirection direction, GuardVerdict verdict) {
        if (!verdict.safe()) {
            log.info("Llama Guard blocked the {}: categories {}, P(unsafe) {}, {}", direction.tag(),
                    verdict.categories(), verdict.unsafeProbability(), verdict.reason());
        }
    }

    /** The user and assistant texts of a Spring AI conversation, as the guard's prompt takes them. */
    static List<ChatMessage> conversation(List<Message> messages) {
        List<ChatMessage> out = new ArrayList<>();
        for (Message m : messages) {
            String text = m.getText();
            if (text == null || text.isBlank()) {
                continue;
            }
            if (m.getMessageType() == MessageType.USER) {
                out.add(ChatMessage.user(text));
            } else if (m.getMessageType() == MessageType.ASSISTANT) {
                out.add(ChatMessage.assistant(text));
            }
        }
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
