package dev.llama3.samples.tools;

import dev.llama3.samples.chat.ChatServiceConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The chat API ({@code POST /chat}, {@code GET /chat/stream}) of a shop's customer assistant whose model can look up
 * orders ({@link OrderTools}) and convert units ({@link UnitTools}) besides telling the time. The model only ever
 * calls these declared tools, with arguments that match their schemas (constrained decoding); Spring AI's tool loop
 * runs them. Start it with {@code bin/sample tools-service --spring.ai.llama3.model.path=MODEL.gguf}.
 */
@SpringBootApplication
@Import(ChatServiceConfiguration.class)
public class ToolsServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ToolsServiceApplication.class, args);
    }
}
