package dev.llama3.samples.chat;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;

/**
 * Turns the failure of a chat request into a problem detail (its status becomes the response's, or the stream's
 * {@code error} event). Services built on this one (e.g. the guarded chat service) declare beans of this type for
 * their own failures; they are asked, in order, before the built-in mapping.
 */
@FunctionalInterface
public interface ChatProblemMapper {

    /** The problem for {@code failure}, or null when this mapper does not know it. */
    @Nullable ProblemDetail problem(Throwable failure);

    /** The first {@code type} in the cause chain of {@code failure} (streams and proxies wrap exceptions), or null. */
    static <T extends Throwable> @Nullable T cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
