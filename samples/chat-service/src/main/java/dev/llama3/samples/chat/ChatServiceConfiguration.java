package dev.llama3.samples.chat;

import java.time.Clock;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@link ChatClient} of the service: the starter's Llama 3 model, a system prompt and (optionally) the tools. */
@Configuration(proxyBeanMethods = false)
class ChatServiceConfiguration {

    @Bean
    TimeTools timeTools() {
        return new TimeTools(Clock.systemUTC());
    }

    @Bean
    ChatClient chatClient(ChatClient.Builder builder, ChatServiceProperties properties, TimeTools timeTools) {
        builder.defaultSystem(properties.system());
        if (properties.tools()) {
            // Spring AI's ToolCallingAdvisor runs the loop: the model asks for currentTime, the advisor calls it and
            // sends the result back in an ipython turn.
            builder.defaultTools(timeTools);
        }
        return builder.build();
    }
}
