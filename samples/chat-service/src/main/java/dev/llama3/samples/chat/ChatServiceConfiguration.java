package dev.llama3.samples.chat;

import java.time.Clock;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The whole chat API (controller, request checks, errors) and its {@link ChatClient}: the starter's Llama 3 model, a
 * system prompt and (optionally) the tools. Another application gets the same API by importing this class (the
 * guarded chat service does), adding {@link ChatRequestCheck} and {@link ChatProblemMapper} beans of its own.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = ChatServiceConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ChatServiceApplication.class))
@EnableConfigurationProperties(ChatServiceProperties.class)
public class ChatServiceConfiguration {

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
