package dev.llama3.samples.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A chat web service on a Llama 3 model that runs inside this JVM: {@code POST /chat}, {@code GET /chat/stream}
 * (server-sent events) and Actuator's {@code /actuator/health} and {@code /actuator/metrics}. Start it with
 * {@code bin/chat-service --spring.ai.llama3.model.path=MODEL.gguf}.
 */
@SpringBootApplication
public class ChatServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChatServiceApplication.class, args);
    }
}
