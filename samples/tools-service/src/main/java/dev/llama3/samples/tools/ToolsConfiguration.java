package dev.llama3.samples.tools;

import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's tools, offered to the chat API's client (it takes every {@link ToolCallbackProvider} bean). */
@Configuration(proxyBeanMethods = false)
class ToolsConfiguration {

    @Bean
    OrderTools orderTools(OrderBook orders) {
        return new OrderTools(orders);
    }

    @Bean
    UnitTools unitTools() {
        return new UnitTools();
    }

    @Bean
    ToolCallbackProvider shopToolCallbacks(OrderTools orderTools, UnitTools unitTools) {
        return MethodToolCallbackProvider.builder().toolObjects(orderTools, unitTools).build();
    }
}
