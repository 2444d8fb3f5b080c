package dev.llama3.samples.chat;

import java.time.Clock;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.TypeExcludeFilter;
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
// As @SpringBootApplication scans (TypeExcludeFilter keeps tests' configurations out), without the application class
@ComponentScan(basePackageClasses = ChatServiceConfiguration.class, excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ChatServiceApplication.class)})
@EnableConfigurationProperties(ChatServiceProperties.class)
public class ChatServiceConfiguration {

    @Bean
    TimeTools timeTools() {
        return new TimeTools(Clock.systemUTC());
    }

    @Bean
    ToolCallbackProvider timeToolCallbacks(TimeTools timeTools) {
        return MethodToolCallbackProvider.builder().toolObjects(timeTools).build();
    }

    /**
     * The client with the system prompt and, when {@code chat-service.tools} is on, every {@link ToolCallbackProvider}
     * bean's tools (this service's {@code currentTime}, and whatever an application built on it adds).
     */
    @Bean
    ChatClient chatClient(ChatClient.Builder builder, ChatServiceProperties properties,
            ObjectProvider<ToolCallbackProvider> tools) {
        builder.defaultSystem(properties.system());
        if (properties.tools()) {
            // Spring AI's ToolCallingAdvisor runs the loop: the model asks for a tool, the advisor calls it and
            // sends the result back in an ipython turn.
            tools.orderedStream().forEach(provider -> builder.defaultToolCallbacks(provider.getToolCallbacks()));
        }
        return builder.build();
    }
}
