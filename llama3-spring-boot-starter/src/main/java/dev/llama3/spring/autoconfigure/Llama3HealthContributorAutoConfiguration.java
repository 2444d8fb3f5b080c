package dev.llama3.spring.autoconfigure;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.spring.actuate.Llama3HealthIndicator;
import dev.llama3.spring.ai.Llama3ChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code llama3} health contributor ({@link Llama3HealthIndicator}) when Spring Boot's health module (Actuator) is
 * present and a {@link LlamaEngine} is loaded. Switch it off with {@code management.health.llama3.enabled=false};
 * define a bean named {@code llama3HealthIndicator} to replace it.
 */
@AutoConfiguration(after = Llama3AutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({HealthIndicator.class, LlamaEngine.class})
@ConditionalOnSingleCandidate(LlamaEngine.class)
@ConditionalOnEnabledHealthIndicator("llama3")
public class Llama3HealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "llama3HealthIndicator")
    public Llama3HealthIndicator llama3HealthIndicator(LlamaEngine engine) {
        return new Llama3HealthIndicator(engine, Llama3ChatModel.modelName(engine));
    }
}
