package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.engine.Session;
import dev.llama3.spring.actuate.Llama3EngineMeterBinder;
import dev.llama3.spring.actuate.Llama3HealthIndicator;
import dev.llama3.spring.actuate.MicrometerLlama3Metrics;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import dev.llama3.spring.ai.Llama3GenerationStats;
import dev.llama3.spring.ai.Llama3Metrics;
import dev.llama3.testing.TestModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health indicator and the Micrometer meters: conditions, back-off, and what they report on a tiny model. */
class Llama3ActuatorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class,
                    Llama3HealthContributorAutoConfiguration.class, Llama3MetricsAutoConfiguration.class))
            .withPropertyValues("spring.ai.llama3.model.path=" + TestModels.tiny(), "spring.ai.llama3.threads=1",
                    "spring.ai.llama3.context-length=128", "spring.ai.llama3.chat.seed=7",
                    "spring.ai.llama3.chat.max-tokens=12");

    @Test
    void healthIsUpWithTheModelBackendContextAndSessions() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(Llama3HealthIndicator.class);
            assertThat(context).hasBean("llama3HealthIndicator");
            LlamaEngine engine = context.getBean(LlamaEngine.class);
            HealthIndicator indicator = context.getBean(Llama3HealthIndicator.class);
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            Map<String, Object> details = health.getDetails();
            assertThat(details).containsEntry("file", TestModels.tiny().toString())
                    .containsEntry("backend", "cpu")
                    .containsEntry("contextLength", 128)
                    .containsEntry("threads", 1)
                    .containsEntry("kvCacheType", "F32")
                    .containsEntry("sessionsInUse", 0)
                    .containsEntry("kvCacheBytesInUse", 0L)
                    .containsKeys("model", "fileSize", "weightTypes", "kernels", "trainedContextLength",
                            "kvCacheBytesPerSession");
            assertThat((String) details.get("weightTypes")).contains("Q8_0");
            assertThat((long) details.get("fileSize")).isPositive();
            try (Session session = engine.newSession()) {
                assertThat(indicator.health().getDetails()).containsEntry("sessionsInUse", 1)
                        .containsEntry("kvCacheBytesInUse", engine.kvCacheBytesPerSession());
            }
        });
    }

    @Test
    void healthIsDownOnceTheEngineIsClosed() {
        this.runner.run(context -> {
            HealthIndicator indicator = context.getBean(Llama3HealthIndicator.class);
            context.getBean(LlamaEngine.class).close();
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("closed");
        });
    }

    @Test
    void healthIndicatorCanBeDisabled() {
        this.runner.withPropertyValues("management.health.llama3.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Llama3HealthIndicator.class));
    }

    @Test
    void healthIndicatorNeedsSpringBootHealth() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Llama3HealthIndicator.class);
        });
    }

    @Test
    void healthIndicatorBacksOffForTheApplicationsOwn() {
        this.runner.withUserConfiguration(OwnHealth.class).run(context -> {
            assertThat(context).doesNotHaveBean(Llama3HealthIndicator.class);
            assertThat(context.getBean("llama3HealthIndicator")).isInstanceOf(HealthIndicator.class);
        });
    }

    @Test
    void noHealthIndicatorWithoutAnEngine() {
        this.runner.withPropertyValues("spring.ai.model.chat=other").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Llama3HealthIndicator.class);
            assertThat(context).doesNotHaveBean(Llama3Metrics.class);
        });
    }

    @Test
    void noMetricsWithoutAMeterRegistry() {
        this.runner.run(context -> {
            assertThat(context).doesNotHaveBean(Llama3Metrics.class);
            assertThat(context).doesNotHaveBean(Llama3EngineMeterBinder.class);
            // The chat model still works, recording nothing.
            assertThat(context.getBean(Llama3ChatModel.class).call(new Prompt("Hi")).getResult()).isNotNull();
        });
    }

    @Test
    void noMetricsWithoutMicrometer() {
        this.runner.withUserConfiguration(Registry.class)
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Llama3Metrics.class);
                });
    }

    @Test
    void callRecordsTokensTimeToFirstTokenAndSpeed() {
        this.runner.withUserConfiguration(Registry.class).run(context -> {
            assertThat(context).hasSingleBean(MicrometerLlama3Metrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            String name = model.getOptions().getModel();
            ChatResponse response = model.call(new Prompt("Hello there"));
            long prompt = response.getMetadata().getUsage().getPromptTokens();
            long completion = response.getMetadata().getUsage().getCompletionTokens();
            assertThat(completion).isPositive();

            assertThat(registry.get(MicrometerLlama3Metrics.PROMPT_TOKENS).tags("model", name, "mode", "call")
                    .counter().count()).isEqualTo(prompt);
            assertThat(registry.get(MicrometerLlama3Metrics.GENERATED_TOKENS).tags("model", name, "mode", "call")
                    .counter().count()).isEqualTo(completion);
            assertThat(registry.get(MicrometerLlama3Metrics.GENERATIONS).tags("model", name, "mode", "call")
                    .counter().count()).isEqualTo(1);
            Timer ttft = registry.get(MicrometerLlama3Metrics.TIME_TO_FIRST_TOKEN).tags("model", name).timer();
            assertThat(ttft.count()).isEqualTo(1);
            assertThat(ttft.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            if (completion >= 2) {
                assertThat(registry.get(MicrometerLlama3Metrics.GENERATION_SPEED).tags("model", name)
                        .summary().mean()).isPositive();
            }
            // Only the model and the mode (and the finish reason on the request counter): nothing per request.
            assertThat(registry.get(MicrometerLlama3Metrics.TIME_TO_FIRST_TOKEN).timer().getId().getTags())
                    .extracting(t -> t.getKey()).containsExactlyInAnyOrder("model", "mode");
            // The engine's gauges
            assertThat(registry.get(Llama3EngineMeterBinder.SESSIONS).tags("model", name).gauge().value()).isZero();
            assertThat(registry.get(Llama3EngineMeterBinder.KV_CACHE_MEMORY).gauge().value()).isZero();
        });
    }

    @Test
    void streamRecordsOnceWithTheStreamMode() {
        this.runner.withUserConfiguration(Registry.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
            List<ChatResponse> chunks = model.stream(new Prompt("Hello there")).collectList()
                    .block(Duration.ofSeconds(30));
            ChatResponse last = chunks.get(chunks.size() - 1);
            long completion = last.getMetadata().getUsage().getCompletionTokens();
            assertThat(registry.get(MicrometerLlama3Metrics.GENERATED_TOKENS).tags("mode", "stream").counter()
                    .count()).isEqualTo(completion);
            assertThat(registry.get(MicrometerLlama3Metrics.TIME_TO_FIRST_TOKEN).tags("mode", "stream").timer()
                    .count()).isEqualTo(1);
            assertThat(registry.find(MicrometerLlama3Metrics.GENERATED_TOKENS).tags("mode", "call").counter())
                    .isNull();
        });
    }

    @Test
    void cancelledStreamIsCountedAsCancelled() {
        this.runner.withUserConfiguration(Registry.class).withPropertyValues("spring.ai.llama3.chat.max-tokens=100")
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    Llama3ChatModel model = context.getBean(Llama3ChatModel.class);
                    model.stream(new Prompt("Hello there")).take(2).collectList().block(Duration.ofSeconds(30));
                    // Recording happens on the generating thread right after it stops.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (registry.find(MicrometerLlama3Metrics.GENERATIONS).counter() == null
                            && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(registry.get(MicrometerLlama3Metrics.GENERATIONS).tags("finish.reason", "cancelled")
                            .counter().count()).isEqualTo(1);
                });
    }

    @Test
    void applicationsOwnMetricsReplaceMicrometers() {
        this.runner.withUserConfiguration(Registry.class, OwnMetrics.class).run(context -> {
            assertThat(context).doesNotHaveBean(MicrometerLlama3Metrics.class);
            context.getBean(Llama3ChatModel.class).call(new Prompt("Hi"));
            List<Llama3GenerationStats> seen = context.getBean(OwnMetrics.class).seen;
            assertThat(seen).hasSize(1);
            Llama3GenerationStats stats = seen.get(0);
            assertThat(stats.streaming()).isFalse();
            assertThat(stats.promptTokens()).isPositive();
            assertThat(stats.timeToFirstTokenNanos()).isPositive();
            assertThat(stats.finishReason()).isIn(Llama3ChatModel.FINISH_STOP, Llama3ChatModel.FINISH_LENGTH);
        });
    }

    @Test
    void aFailingRecorderDoesNotFailTheReply() {
        Llama3ChatModel model = Llama3ChatModel.builder()
                .engine(LlamaEngineHolder.engine())
                .options(Llama3ChatOptions.builder().maxTokens(4).seed(1L).build())
                .metrics(stats -> {
                    throw new IllegalStateException("broken recorder");
                })
                .build();
        assertThat(model.call(new Prompt("Hi")).getResult()).isNotNull();
    }

    /** One engine for the builder-level test, closed by the JVM. */
    static final class LlamaEngineHolder {
        private static LlamaEngine engine;

        static synchronized LlamaEngine engine() {
            if (engine == null) {
                try {
                    engine = LlamaEngine.load(TestModels.tiny(),
                            dev.llama3.engine.EngineOptions.builder().threads(1).contextLength(64).build());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return engine;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        // Spring Boot's metrics auto-configuration binds MeterBinder beans; here that is done by hand.
        @Bean
        static org.springframework.beans.factory.config.BeanPostProcessor binder(
                org.springframework.beans.factory.ObjectProvider<MeterRegistry> registry) {
            return new org.springframework.beans.factory.config.BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (bean instanceof io.micrometer.core.instrument.binder.MeterBinder b) {
                        b.bindTo(registry.getObject());
                    }
                    return bean;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetrics implements Llama3Metrics {
        final List<Llama3GenerationStats> seen = new CopyOnWriteArrayList<>();

        @Override
        public void generationCompleted(Llama3GenerationStats stats) {
            this.seen.add(stats);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnHealth {
        @Bean
        HealthIndicator llama3HealthIndicator() {
            return () -> Health.up().build();
        }
    }
}
