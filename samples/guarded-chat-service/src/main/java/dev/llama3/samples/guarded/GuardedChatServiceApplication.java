package dev.llama3.samples.guarded;

import dev.llama3.samples.chat.ChatServiceConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The chat service ({@code POST /chat}, {@code GET /chat/stream}, Actuator) with Llama Guard on what users send and
 * what the model answers: blocked requests get HTTP 422 with the violated categories, and a blocked message never
 * reaches the chat model. Start it with {@code bin/sample guarded-chat-service
 * --spring.ai.llama3.model.path=CHAT.gguf --spring.ai.llama3.guard.model.path=GUARD.gguf}.
 */
@SpringBootApplication
@Import(ChatServiceConfiguration.class)
public class GuardedChatServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(GuardedChatServiceApplication.class, args);
    }
}
