package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.engine.EngineOptions;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.model.KvCacheType;
import dev.llama3.sampling.SamplingOptions;
import dev.llama3.spring.ai.Llama3ChatModel;
import dev.llama3.spring.ai.Llama3ChatOptions;
import dev.llama3.spring.ai.Llama3TokenCountEstimator;
import dev.llama3.tensor.ComputePool;
import dev.llama3.testing.TestModels;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.tokenizer.TokenCountEstimator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition and property of {@link Llama3AutoConfiguration}, on a synthetic tiny model. */
class Llama3AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
            .withPropertyValues("spring.ai.llama3.model.path=" + TestModels.tiny(), "spring.ai.llama3.threads=1",
                    "spring.ai.llama3.context-length=128");

    @Test
    void createsEngineTokenizerAndChatModelWhenTheModelPropertyIsMissing() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LlamaEngine.class);
            assertThat(context).hasSingleBean(Llama3TokenCountEstimator.class);
            assertThat(context).hasSingleBean(TokenCountEstimator.class);
            assertThat(context).hasSingleBean(Llama3ChatModel.class);
            assertThat(context).hasSingleBean(ChatModel.class);
            assertThat(context.getBean(Llama3ChatModel.class).getEngine()).isSameAs(context.getBean(LlamaEngine.class));
        });
    }

    @Test
    void selectedBySpringAiModelChatLlama3() {
        this.runner.withPropertyValues("spring.ai.model.chat=llama3")
                .run(context -> assertThat(context).hasSingleBean(Llama3ChatModel.class));
    }

    @Test
    void backsOffWhenAnotherChatModelIsSelected() {
        // The model path is not even looked at: nothing is loaded.
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
                .withPropertyValues("spring.ai.model.chat=ollama", "spring.ai.llama3.model.path=/nonexistent.gguf")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(LlamaEngine.class);
                    assertThat(context).doesNotHaveBean(Llama3ChatModel.class);
                    assertThat(context).doesNotHaveBean(Llama3TokenCountEstimator.class);
                });
    }

    @Test
    void engineIsClosedWithTheContext() {
        AtomicReference<LlamaEngine> engine = new AtomicReference<>();
        this.runner.run(context -> {
            engine.set(context.getBean(LlamaEngine.class));
            engine.get().newSession().close();
        });
        assertThatThrownBy(() -> engine.get().newSession()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void engineSettingsComeFromProperties() {
        this.runner.withPropertyValues("spring.ai.llama3.threads=2", "spring.ai.llama3.context-length=96",
                        "spring.ai.llama3.batch-size=16", "spring.ai.llama3.max-batch-sequences=3",
                        "spring.ai.llama3.backend=cpu", "spring.ai.llama3.kv-cache-type=f16",
                        "spring.ai.llama3.huge-pages=false")
                .run(context -> {
                    LlamaEngine engine = context.getBean(LlamaEngine.class);
                    assertThat(engine.options())
                            .isEqualTo(new EngineOptions(2, 96, 16, 3, KvCacheType.F16, "cpu", false));
                    assertThat(engine.contextLength()).isEqualTo(96);
                });
    }

    @Test
    void engineDefaults() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
                .withPropertyValues("spring.ai.llama3.model.path=" + TestModels.tiny())
                .run(context -> {
                    LlamaEngine engine = context.getBean(LlamaEngine.class);
                    EngineOptions defaults = EngineOptions.defaults();
                    assertThat(engine.options().threads()).isEqualTo(ComputePool.defaultThreads());
                    assertThat(engine.options().batchSize()).isEqualTo(defaults.batchSize());
                    assertThat(engine.options().maxBatchSequences()).isEqualTo(defaults.maxBatchSequences());
                    assertThat(engine.options().contextLength()).isZero();
                    assertThat(engine.options().kvCacheType()).isEqualTo(KvCacheType.F32);
                    assertThat(engine.options().hugePages()).isEqualTo(EngineOptions.defaultHugePages());
                    // 0 = the model's trained context (the tiny shape trains on 2048), capped at 8192
                    assertThat(engine.contextLength()).isEqualTo(Math.min(engine.config().contextLength(),
                            EngineOptions.DEFAULT_MAX_CONTEXT));
                    assertThat(context.getBean(Llama3Properties.class).getBackend()).isEqualTo(Llama3Backend.AUTO);
                });
    }

    @Test
    void modelPathExpandsTheHomeDirectory() {
        Path home = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
        assertThat(Llama3EngineLoader.modelPath(" " + TestModels.tiny() + " ")).isEqualTo(TestModels.tiny());
        assertThatThrownBy(() -> Llama3EngineLoader.modelPath("~/no-such-dir-llama3-test/model.gguf"))
                .isInstanceOf(InvalidLlama3PropertyException.class)
                .hasMessageContaining(home.resolve("no-such-dir-llama3-test").resolve("model.gguf").toString());
    }

    @Test
    void chatDefaultsMatchTheEngineDefaults() {
        this.runner.run(context -> {
            Llama3ChatOptions options = context.getBean(Llama3ChatModel.class).getOptions();
            assertThat(options.getTemperature()).isEqualTo((double) SamplingOptions.DEFAULT_TEMPERATURE, within());
            assertThat(options.getTopP()).isEqualTo((double) SamplingOptions.DEFAULT_TOP_P, within());
            assertThat(options.getTopK()).isEqualTo(SamplingOptions.DEFAULT_TOP_K);
            assertThat(options.getMinP()).isEqualTo((double) SamplingOptions.DEFAULT_MIN_P, within());
            assertThat(options.getRepetitionPenalty())
                    .isEqualTo((double) SamplingOptions.DEFAULT_REPETITION_PENALTY, within());
            assertThat(options.getFrequencyPenalty())
                    .isEqualTo((double) SamplingOptions.DEFAULT_FREQUENCY_PENALTY, within());
            assertThat(options.getPresencePenalty())
                    .isEqualTo((double) SamplingOptions.DEFAULT_PRESENCE_PENALTY, within());
            assertThat(options.getMaxTokens()).isNull();
            assertThat(options.getSeed()).isNull();
            assertThat(options.getStopSequences()).isNull();
            assertThat(options.getModel()).isEqualTo("synthetic tiny Q8_0");
        });
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }

    @Test
    void chatPropertiesBecomeTheDefaultOptions() {
        this.runner.withPropertyValues("spring.ai.llama3.chat.temperature=0.3", "spring.ai.llama3.chat.top-p=0.5",
                        "spring.ai.llama3.chat.top-k=7", "spring.ai.llama3.chat.min-p=0.1",
                        "spring.ai.llama3.chat.max-tokens=33", "spring.ai.llama3.chat.repetition-penalty=1.2",
                        "spring.ai.llama3.chat.frequency-penalty=0.25", "spring.ai.llama3.chat.presence-penalty=0.5",
                        "spring.ai.llama3.chat.seed=42", "spring.ai.llama3.chat.stop[0]=END",
                        "spring.ai.llama3.chat.stop[1]=###")
                .run(context -> {
                    Llama3ChatOptions options = context.getBean(Llama3ChatModel.class).getOptions();
                    assertThat(options.getTemperature()).isEqualTo(0.3);
                    assertThat(options.getTopP()).isEqualTo(0.5);
                    assertThat(options.getTopK()).isEqualTo(7);
                    assertThat(options.getMinP()).isEqualTo(0.1);
                    assertThat(options.getMaxTokens()).isEqualTo(33);
                    assertThat(options.getRepetitionPenalty()).isEqualTo(1.2);
                    assertThat(options.getFrequencyPenalty()).isEqualTo(0.25);
                    assertThat(options.getPresencePenalty()).isEqualTo(0.5);
                    assertThat(options.getSeed()).isEqualTo(42L);
                    assertThat(options.getStopSequences()).containsExactly("END", "###");
                });
    }

    @Test
    void userEngineReplacesTheAutoConfiguredOne() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
                .withUserConfiguration(UserEngine.class)
                .run(context -> {
                    // No model.path needed: the user's engine is used as is.
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(LlamaEngine.class);
                    assertThat(context.getBean(LlamaEngine.class).contextLength()).isEqualTo(64);
                    assertThat(context.getBean(Llama3ChatModel.class).getEngine())
                            .isSameAs(context.getBean("userEngine"));
                });
    }

    @Test
    void userChatModelAndTokenizerReplaceTheAutoConfiguredOnes() {
        this.runner.withUserConfiguration(UserChatModel.class).run(context -> {
            assertThat(context).hasSingleBean(Llama3ChatModel.class);
            assertThat(context).hasBean("userChatModel");
            assertThat(context.getBean(Llama3ChatModel.class).getOptions().getTemperature()).isEqualTo(0.0);
            assertThat(context).hasSingleBean(Llama3TokenCountEstimator.class);
            assertThat(context).hasBean("userTokenizer");
        });
    }

    @Test
    void spring_ai_chat_client_auto_configuration_builds_a_chat_client_on_this_model() {
        this.runner.withConfiguration(AutoConfigurations.of(ToolCallingAutoConfiguration.class,
                        ChatClientAutoConfiguration.class, ChatObservationAutoConfiguration.class))
                .withPropertyValues("spring.ai.llama3.chat.temperature=0", "spring.ai.llama3.chat.max-tokens=4")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ChatClient client = context.getBean(ChatClient.Builder.class).build();
                    var response = client.prompt("Hello").call().chatResponse();
                    assertThat(response).isNotNull();
                    assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
                    assertThat(response.getResult().getMetadata().getFinishReason())
                            .isEqualTo(Llama3ChatModel.FINISH_LENGTH);
                });
    }

    @Test
    void observesCallsWithTheApplicationsObservationRegistry() {
        this.runner.withUserConfiguration(Observations.class)
                .withPropertyValues("spring.ai.llama3.chat.max-tokens=3")
                .run(context -> {
                    context.getBean(Llama3ChatModel.class).call("Hi");
                    TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasObservationWithNameEqualTo(DefaultChatModelObservationConvention.DEFAULT_NAME)
                            .that()
                            .hasLowCardinalityKeyValue(
                                    ChatModelObservationDocumentation.LowCardinalityKeyNames.AI_PROVIDER.asString(),
                                    Llama3ChatModel.PROVIDER)
                            .hasLowCardinalityKeyValue(
                                    ChatModelObservationDocumentation.LowCardinalityKeyNames.REQUEST_MODEL.asString(),
                                    "synthetic tiny Q8_0")
                            .hasHighCardinalityKeyValue(
                                    ChatModelObservationDocumentation.HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS
                                            .asString(), "3")
                            .hasBeenStarted()
                            .hasBeenStopped();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEngine {
        @Bean
        LlamaEngine userEngine() throws IOException {
            return LlamaEngine.load(TestModels.tiny(), EngineOptions.builder().threads(1).contextLength(64).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserChatModel {
        @Bean
        Llama3ChatModel userChatModel(LlamaEngine engine) {
            return Llama3ChatModel.builder().engine(engine)
                    .options(Llama3ChatOptions.builder().temperature(0.0).build()).build();
        }

        @Bean
        Llama3TokenCountEstimator userTokenizer(LlamaEngine engine) {
            return new Llama3TokenCountEstimator(engine.tokenizer());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }
}
