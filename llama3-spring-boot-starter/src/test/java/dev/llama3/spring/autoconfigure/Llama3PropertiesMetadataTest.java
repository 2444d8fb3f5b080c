package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The configuration metadata that IDEs read for completion: every {@code spring.ai.llama3.*} property is there, with
 * a description and, where there is one, its default.
 */
class Llama3PropertiesMetadataTest {

    private static Map<String, JsonNode> properties() throws IOException {
        try (InputStream in = Llama3Properties.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            root.get("properties").forEach(p -> byName.put(p.get("name").asString(), p));
            return byName;
        }
    }

    @Test
    void everyPropertyIsDescribed() throws IOException {
        Map<String, JsonNode> all = properties();
        all.forEach((name, p) -> {
            assertThat(p.has("description")).as("%s has a description", name).isTrue();
            assertThat(p.get("description").asString()).as(name).hasSizeGreaterThan(20);
        });
        Map<String, JsonNode> properties = new LinkedHashMap<>(all);
        properties.keySet().removeIf(name -> name.startsWith("spring.ai.llama3.guard."));
        assertThat(all.keySet()).filteredOn(name -> name.startsWith("spring.ai.llama3.guard.")).contains(
                "spring.ai.llama3.guard.enabled", "spring.ai.llama3.guard.model.path", "spring.ai.llama3.guard.checks",
                "spring.ai.llama3.guard.threshold", "spring.ai.llama3.guard.categories.exclude",
                "spring.ai.llama3.guard.categories.rename", "spring.ai.llama3.guard.categories.custom",
                "spring.ai.llama3.guard.blocked-response", "spring.ai.llama3.guard.on-block",
                "spring.ai.llama3.guard.fail-open", "spring.ai.llama3.guard.timeout",
                "spring.ai.llama3.guard.cache.max-entries", "spring.ai.llama3.guard.cache.expire-after-write");
        assertThat(all.get("spring.ai.llama3.guard.threshold").get("defaultValue").asDouble()).isEqualTo(0.5);
        assertThat(all.get("spring.ai.llama3.guard.enabled").get("defaultValue").asBoolean()).isFalse();
        assertThat(properties.keySet()).containsExactlyInAnyOrder(
                "spring.ai.llama3.model.path", "spring.ai.llama3.backend", "spring.ai.llama3.threads",
                "spring.ai.llama3.context-length", "spring.ai.llama3.batch-size",
                "spring.ai.llama3.max-batch-sequences", "spring.ai.llama3.kv-cache-type", "spring.ai.llama3.huge-pages",
                "spring.ai.llama3.cache.prefix.enabled", "spring.ai.llama3.cache.prefix.max-bytes",
                "spring.ai.llama3.chat.temperature",
                "spring.ai.llama3.chat.top-p", "spring.ai.llama3.chat.top-k", "spring.ai.llama3.chat.min-p",
                "spring.ai.llama3.chat.max-tokens", "spring.ai.llama3.chat.repetition-penalty",
                "spring.ai.llama3.chat.frequency-penalty", "spring.ai.llama3.chat.presence-penalty",
                "spring.ai.llama3.chat.seed", "spring.ai.llama3.chat.stop", "spring.ai.llama3.chat.tool-choice",
                "spring.ai.llama3.chat.tool-prompt-placement");
        properties.forEach((name, p) -> {
            assertThat(p.has("description")).as("%s has a description", name).isTrue();
            assertThat(p.get("description").asString()).as(name).hasSizeGreaterThan(20);
        });
    }

    @Test
    void defaultsAreAdvertised() throws IOException {
        Map<String, JsonNode> p = properties();
        assertThat(p.get("spring.ai.llama3.backend").get("defaultValue").asString()).isEqualTo("auto");
        assertThat(p.get("spring.ai.llama3.context-length").get("defaultValue").asInt()).isZero();
        assertThat(p.get("spring.ai.llama3.batch-size").get("defaultValue").asInt()).isEqualTo(64);
        assertThat(p.get("spring.ai.llama3.max-batch-sequences").get("defaultValue").asInt()).isEqualTo(8);
        assertThat(p.get("spring.ai.llama3.kv-cache-type").get("defaultValue").asString()).isEqualTo("f32");
        assertThat(p.get("spring.ai.llama3.chat.temperature").get("defaultValue").asDouble()).isEqualTo(0.8);
        assertThat(p.get("spring.ai.llama3.chat.top-p").get("defaultValue").asDouble()).isEqualTo(0.95);
        assertThat(p.get("spring.ai.llama3.chat.top-k").get("defaultValue").asInt()).isEqualTo(40);
        assertThat(p.get("spring.ai.llama3.chat.min-p").get("defaultValue").asDouble()).isEqualTo(0.05);
        assertThat(p.get("spring.ai.llama3.chat.repetition-penalty").get("defaultValue").asDouble()).isEqualTo(1.0);
        assertThat(p.get("spring.ai.llama3.model.path").has("defaultValue")).isFalse();
        assertThat(p.get("spring.ai.llama3.chat.tool-choice").get("defaultValue").asString()).isEqualTo("auto");
        assertThat(p.get("spring.ai.llama3.chat.tool-prompt-placement").get("defaultValue").asString())
                .isEqualTo("user-message");
    }
}
