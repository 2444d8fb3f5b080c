package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.spring.actuate.Llama3EngineMeterBinder;
import dev.llama3.spring.actuate.MicrometerLlama3Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** docs/starter.md, the user guide, names every property of the generated metadata and every meter. */
class Llama3StarterGuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "starter.md");

    @Test
    void guideListsEveryProperty() throws IOException {
        String guide = Files.readString(GUIDE);
        List<String> names = new ArrayList<>();
        try (InputStream in = Llama3Properties.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            new ObjectMapper().readTree(in).get("properties").forEach((JsonNode p) -> names.add(p.get("name")
                    .asString()));
        }
        assertThat(names).isNotEmpty();
        for (String name : names) {
            String key = name.substring(Llama3Properties.PREFIX.length() + 1);
            assertThat(documented(guide, key)).as("docs/starter.md lists `%s`", key).isTrue();
        }
    }

    @Test
    void guideNamesEveryMeter() throws IOException {
        String guide = Files.readString(GUIDE);
        for (String meter : List.of(MicrometerLlama3Metrics.PROMPT_TOKENS, MicrometerLlama3Metrics.GENERATED_TOKENS,
                MicrometerLlama3Metrics.GENERATIONS, MicrometerLlama3Metrics.TIME_TO_FIRST_TOKEN,
                MicrometerLlama3Metrics.GENERATION_SPEED, Llama3EngineMeterBinder.SESSIONS,
                Llama3EngineMeterBinder.KV_CACHE_MEMORY)) {
            assertThat(guide).contains("`" + meter + "`");
        }
    }

    /** The key itself in backticks, or one of its parents as {@code parent.*}. */
    private static boolean documented(String guide, String key) {
        if (guide.contains("`" + key + "`")) {
            return true;
        }
        for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            if (guide.contains("`" + key.substring(0, dot) + ".*`")) {
                return true;
            }
        }
        return false;
    }
}
