package dev.llama3.spring.autoconfigure;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.PrefixCache;
import dev.llama3.spring.cache.CaffeinePrefixCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import dev.llama3.spring.ai.Llama3Metrics;
import dev.llama3.spring.ai.Llama3TokenCountEstimator;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a Llama 3 model that runs in this JVM: the {@link LlamaEngine} (loaded once at startup, released
 * at shutdown), its tokenizer as a {@link Llama3TokenCountEstimator} and a {@link Llama3ChatModel}, which Spring AI's
 * own auto-configuration wraps into the {@code ChatClient.Builder}.
 *
 * <p>Active when {@code spring.ai.model.chat} is {@value #MODEL_ID} or unset, like every Spring AI provider. Every
 * bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass({LlamaEngine.class, ChatModel.class})
@ConditionalOnProperty(name = SpringAIModelProperties.CHAT_MODEL, havingValue = Llama3AutoConfiguration.MODEL_ID,
        matchIfMissing = true)
@EnableConfigurationProperties(Llama3Properties.class)
public class Llama3AutoConfiguration {

    /** The value of {@code spring.ai.model.chat} that selects this provider. */
    public static final String MODEL_ID = "llama3";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public LlamaEngine llama3Engine(Llama3Properties properties) {
        // The chat defaults are checked here too, so a typo there fails before the model is mapped.
        Llama3PropertiesValidator.validateChat(properties.getChat());
        return Llama3EngineLoader.load(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    public Llama3TokenCountEstimator llama3TokenCountEstimator(LlamaEngine engine) {
        return new Llama3TokenCountEstimator(engine.tokenizer());
    }

    /** Keeps evaluated prompts so that the next turn of a conversation evaluates only its new tokens. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(PrefixCache.class)
    @ConditionalOnBooleanProperty(name = Llama3Properties.PREFIX + ".cache.prefix.enabled", matchIfMissing = true)
    public CaffeinePrefixCache llama3PrefixCache(Llama3Properties properties,
            ObjectProvider<MeterRegistry> meterRegistry) {
        long maxBytes = properties.getCache().getPrefix().getMaxBytes().toBytes();
        if (maxBytes <= 0) {
            throw new InvalidLlama3PropertyException(Llama3Properties.PREFIX + ".cache.prefix.max-bytes",
                    properties.getCache().getPrefix().getMaxBytes(), "it must be positive",
                    "Set it to e.g. 512MB, or set spring.ai.llama3.cache.prefix.enabled=false to turn the cache off.");
        }
        MeterRegistry registry = meterRegistry.getIfUnique();
        CaffeinePrefixCache cache = new CaffeinePrefixCache(maxBytes, registry != null);
        if (registry != null) {
            CaffeineCacheMetrics.monitor(registry, cache.nativeCache(), "llama3.prefix");
        }
        return cache;
    }

    @Bean
    @ConditionalOnMissingBean
    public Llama3ChatModel llama3ChatModel(LlamaEngine engine, Llama3Properties properties,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<ChatModelObservationConvention> observationConvention,
            ObjectProvider<PrefixCache> prefixCache, ObjectProvider<ToolCallingManager> toolCallingManager,
            ObjectProvider<Llama3Metrics> metrics, ObjectProvider<Clock> clock) {
        Llama3PropertiesValidator.validateChat(properties.getChat());
        Llama3ChatModel.Builder builder = Llama3ChatModel.builder()
                .engine(engine)
                .prefixCache(prefixCache.getIfUnique())
                .options(toOptions(properties.getChat()))
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .metrics(metrics.getIfUnique(() -> Llama3Metrics.NOOP));
        // Spring AI's tool-calling auto-configuration provides one; it resolves tool definitions here, while the
        // tools themselves run in ChatClient's ToolCallingAdvisor.
        toolCallingManager.ifUnique(builder::toolCallingManager);
        // the date the tool prompt states ("Today Date"): the application's clock where it defines one
        clock.ifUnique(builder::clock);
        Llama3ChatModel model = builder.build();
        observationConvention.ifAvailable(model::setObservationConvention);
        return model;
    }

    /** The chat properties as the model's default options (the model name is filled in by the model). */
    static Llama3ChatOptions toOptions(Llama3Properties.Chat chat) {
        return Llama3ChatOptions.builder()
                .temperature(chat.getTemperature())
                .topP(chat.getTopP())
                .topK(chat.getTopK())
                .minP(chat.getMinP())
                .maxTokens(chat.getMaxTokens())
                .repetitionPenalty(chat.getRepetitionPenalty())
                .frequencyPenalty(chat.getFrequencyPenalty())
                .presencePenalty(chat.getPresencePenalty())
                .seed(chat.getSeed())
                .stopSequences(chat.getStop().isEmpty() ? null : chat.getStop())
                .toolChoice(chat.getToolChoice())
                .toolPromptPlacement(chat.getToolPromptPlacement())
                .build();
    }
}
