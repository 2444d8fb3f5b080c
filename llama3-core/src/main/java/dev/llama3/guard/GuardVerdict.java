package dev.llama3.guard;

import java.util.List;
import java.util.Objects;

/**
 * What Llama Guard decided about a conversation's last message.
 *
 * @param safe whether the message may pass
 * @param categories the violated category codes (e.g. {@code S1}, {@code S10}); empty when safe, and possibly
 *     empty when unsafe (an unparseable answer, a failure, or a model that named none)
 * @param unsafeProbability P(unsafe) from the distribution of the verdict's first token; NaN when not measured
 *     (a parsed text answer, or a failure)
 * @param reason why the verdict is what it is, for logs: {@code "model"}, {@code "unparseable answer"},
 *     {@code "guard failed: ..."}
 */
public record GuardVerdict(boolean safe, List<String> categories, double unsafeProbability, String reason) {

    public GuardVerdict {
        categories = List.copyOf(categories);
        Objects.requireNonNull(reason, "reason");
    }

    /** A verdict for when the guard could not decide: unsafe when failing closed, safe when failing open. */
    public static GuardVerdict failure(String why, boolean failClosed) {
        return new GuardVerdict(!failClosed, List.of(), Double.NaN, "guard failed: " + why);
    }
}
