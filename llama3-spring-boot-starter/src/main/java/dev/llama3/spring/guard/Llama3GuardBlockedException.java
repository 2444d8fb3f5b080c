package dev.llama3.spring.guard;

import dev.llama3.guard.GuardVerdict;
import java.util.List;

/**
 * Thrown through {@code ChatClient} calls when Llama Guard blocks the request or the reply and
 * {@code spring.ai.llama3.guard.on-block=exception}. Carries the categories (never the content), e.g. for an HTTP 422.
 */
public class Llama3GuardBlockedException extends RuntimeException {
    private final GuardDirection direction;
    private final transient GuardVerdict verdict;

    public Llama3GuardBlockedException(GuardDirection direction, GuardVerdict verdict) {
        super("Llama Guard blocked the " + direction.tag() + (verdict.categories().isEmpty() ? ""
                : " (categories " + String.join(", ", verdict.categories()) + ")") + ": " + verdict.reason());
        this.direction = direction;
        this.verdict = verdict;
    }

    public GuardDirection direction() {
        return direction;
    }

    public GuardVerdict verdict() {
        return verdict;
    }

    /** The violated category codes, e.g. [S1, S10]. */
    public List<String> categories() {
        return verdict.categories();
    }
}
