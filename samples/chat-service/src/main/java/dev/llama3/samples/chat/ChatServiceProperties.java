package dev.llama3.samples.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample, under {@code chat-service}.
 *
 * @param system the system prompt of every conversation
 * @param tools whether the model may call the sample's tools ({@link TimeTools})
 */
@ConfigurationProperties("chat-service")
public record ChatServiceProperties(String system, boolean tools) {

    public ChatServiceProperties {
        if (system == null) {
            system = "You are a helpful assistant. Answer briefly.";
        }
    }
}
