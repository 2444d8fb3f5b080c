package dev.llama3.samples.chat;

import dev.llama3.model.ContextOverflowException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}): 400 for a missing or blank message, a prompt
 * longer than the model's context, malformed JSON or a missing parameter (Spring MVC's own exceptions, through
 * {@link ResponseEntityExceptionHandler}); whatever the {@link ChatProblemMapper} beans say for the failures they know;
 * 500 for anything else.
 */
@RestControllerAdvice
class ChatErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatErrors.class);

    private final List<ChatProblemMapper> mappers;

    ChatErrors(ObjectProvider<ChatProblemMapper> mappers) {
        this.mappers = mappers.orderedStream().toList();
    }

    @ExceptionHandler(InvalidChatRequestException.class)
    ProblemDetail invalidRequest(InvalidChatRequestException e) {
        return problem(e);
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail failure(RuntimeException e) {
        return problem(e);
    }

    /** The problem detail for {@code e} (used for failed requests and for the stream's error event). */
    ProblemDetail problem(Throwable e) {
        for (ChatProblemMapper mapper : this.mappers) {
            ProblemDetail mapped = mapper.problem(e);
            if (mapped != null) {
                return mapped;
            }
        }
        if (e instanceof InvalidChatRequestException invalid) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, invalid.getMessage());
            problem.setTitle(invalid.title());
            return problem;
        }
        ContextOverflowException overflow = ChatProblemMapper.cause(e, ContextOverflowException.class);
        if (overflow != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The prompt needs "
                    + overflow.required() + " positions but the model's context holds " + overflow.capacity()
                    + ": shorten the message or raise spring.ai.llama3.context-length.");
            problem.setTitle("Prompt too long");
            return problem;
        }
        log.error("Chat request failed", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The model could not answer: " + e.getClass().getSimpleName());
        problem.setTitle("Chat failed");
        return problem;
    }
}
