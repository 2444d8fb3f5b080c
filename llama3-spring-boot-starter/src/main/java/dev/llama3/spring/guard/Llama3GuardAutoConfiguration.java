package dev.llama3.spring.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llama3.chat.ChatMessage;
import dev.llama3.guard.GuardVerdict;
import dev.llama3.guard.LlamaGuard;
import dev.llama3.spring.autoconfigure.InvalidLlama3PropertyException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Llama Guard on every {@link ChatClient}, when {@code spring.ai.llama3.guard.enabled=true}: loads the guard model
 * (a second model), exposes {@link Llama3SafetyGuard} for direct use, and registers {@link Llama3GuardAdvisor} with
 * every ChatClient builder through a {@link ChatClientCustomizer}. Works with any chat model, local or remote.
 */
@AutoConfiguration
@ConditionalOnClass({LlamaGuard.class, ChatClient.class})
@ConditionalOnBooleanProperty(Llama3GuardProperties.PREFIX + ".enabled")
@EnableConfigurationProperties(Llama3GuardProperties.class)
public class Llama3GuardAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Llama3GuardModel llama3GuardModel(Llama3GuardProperties properties) {
        double threshold = properties.getThreshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new InvalidLlama3PropertyException(Llama3GuardProperties.PREFIX + ".threshold", threshold,
                    "it must be a probability", "Set it between 0 (block everything) and 1 (block only certainties); "
                    + "0.5 follows the model's own verdict.");
        }
        if (properties.getTimeout().isNegative() || properties.getTimeout().isZero()) {
            throw new InvalidLlama3PropertyException(Llama3GuardProperties.PREFIX + ".timeout",
                    properties.getTimeout(), "it must be positive", "Set it to e.g. 30s.");
        }
        return Llama3GuardModel.load(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Llama3SafetyGuard llama3SafetyGuard(Llama3GuardModel model, Llama3GuardProperties properties,
            ObjectProvider<MeterRegistry> meterRegistry) {
        Cache<List<ChatMessage>, GuardVerdict> cache = null;
        MeterRegistry registry = meterRegistry.getIfUnique();
        if (properties.getCache().getMaxEntries() > 0) {
            Caffeine<Object, Object> builder = Caffeine.newBuilder()
                    .maximumSize(properties.getCache().getMaxEntries())
                    .expireAfterWrite(properties.getCache().getExpireAfterWrite());
            if (registry != null) {
                builder.recordStats();
            }
            cache = builder.build();
            if (registry != null) {
                CaffeineCacheMetrics.monitor(registry, cache, "llama3.guard.verdicts");
            }
        }
        GuardMetrics metrics = registry != null ? new MicrometerGuardMetrics(registry) : GuardMetrics.NONE;
        return new Llama3SafetyGuard(model.guard(), properties.getThreshold(), properties.isFailOpen(),
                properties.getTimeout(), cache, metrics);
    }

    @Bean
    @ConditionalOnMissingBean
    public Llama3GuardAdvisor llama3GuardAdvisor(Llama3SafetyGuard guard, Llama3GuardProperties properties) {
        return new Llama3GuardAdvisor(guard, properties.getChecks().input(), properties.getChecks().output(),
                properties.getBlockedResponse(), properties.getOnBlock() == Llama3GuardProperties.OnBlock.EXCEPTION);
    }

    /** Adds the guard to every ChatClient built from the auto-configured builder. */
    @Bean
    @ConditionalOnMissingBean(name = "llama3GuardChatClientCustomizer")
    public ChatClientCustomizer llama3GuardChatClientCustomizer(Llama3GuardAdvisor advisor) {
        return builder -> builder.defaultAdvisors(advisor);
    }
}
