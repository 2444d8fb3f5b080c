package dev.llama3.spring.autoconfigure;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.spring.actuate.Llama3EngineMeterBinder;
import dev.llama3.spring.actuate.MicrometerLlama3Metrics;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the in-process Llama 3 model when a {@link MeterRegistry} bean exists (Actuator provides one):
 * a {@link MicrometerLlama3Metrics} that the {@link Llama3ChatModel} reports every generation to (tokens, time to first
 * token, tokens per second) and the engine's gauges ({@link Llama3EngineMeterBinder}). Both back off when the
 * application defines its own {@link Llama3Metrics} or binder.
 */
@AutoConfiguration(after = Llama3AutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, LlamaEngine.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(LlamaEngine.class)
public class Llama3MetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Llama3Metrics llama3Metrics(MeterRegistry registry) {
        return new MicrometerLlama3Metrics(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    public Llama3EngineMeterBinder llama3EngineMeterBinder(LlamaEngine engine) {
        return new Llama3EngineMeterBinder(engine, Llama3ChatModel.modelName(engine));
    }
}
