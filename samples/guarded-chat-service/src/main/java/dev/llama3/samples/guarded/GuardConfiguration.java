package dev.llama3.samples.guarded;

import dev.llama3.guard.GuardCategory;
import dev.llama3.guard.GuardVerdict;
import dev.llama3.samples.chat.ChatProblemMapper;
import dev.llama3.samples.chat.ChatRequestCheck;
import dev.llama3.spring.guard.GuardDirection;
import dev.llama3.spring.guard.Llama3GuardBlockedException;
import dev.llama3.spring.guard.Llama3GuardProperties;
import dev.llama3.spring.guard.Llama3SafetyGuard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * What the guard adds to the chat API. The starter's guard advisor (on every {@code ChatClient}) already keeps unsafe
 * input from the model and unsafe output from the caller; with {@code on-block=exception} it throws
 * {@link Llama3GuardBlockedException}, which becomes a 422 here. The input check also runs before the stream starts,
 * so a refused stream gets its 422 as a status, not as an event after a 200; the advisor's own input check then finds
 * the verdict in the guard's verdict cache.
 */
@Configuration(proxyBeanMethods = false)
class GuardConfiguration {

    @Bean
    ChatRequestCheck llamaGuardInputCheck(Llama3SafetyGuard guard, Llama3GuardProperties properties) {
        if (!properties.getChecks().input()) {
            return message -> { };
        }
        return message -> {
            GuardVerdict verdict = guard.check(List.of(new UserMessage(message)));
            if (!verdict.safe()) {
                throw new Llama3GuardBlockedException(GuardDirection.INPUT, verdict);
            }
        };
    }

    @Bean
    ChatProblemMapper llamaGuardProblems(Llama3SafetyGuard guard) {
        return failure -> {
            Llama3GuardBlockedException blocked = ChatProblemMapper.cause(failure,
                    Llama3GuardBlockedException.class);
            return blocked == null ? null : problem(blocked, guard);
        };
    }

    /** 422 with the direction and the violated categories (codes and names), never the content. */
    static ProblemDetail problem(Llama3GuardBlockedException blocked, Llama3SafetyGuard guard) {
        boolean input = blocked.direction() == GuardDirection.INPUT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, input
                ? "Llama Guard classified the message as unsafe; it was not sent to the model."
                : "Llama Guard classified the model's reply as unsafe; it was withheld.");
        problem.setTitle(input ? "Message blocked" : "Reply blocked");
        problem.setProperty("direction", blocked.direction().tag());
        Map<String, String> categories = new LinkedHashMap<>();
        for (String code : blocked.categories()) {
            GuardCategory category = guard.policy().category(code);
            categories.put(code, category == null ? code : category.name());
        }
        problem.setProperty("categories", categories);
        return problem;
    }
}
