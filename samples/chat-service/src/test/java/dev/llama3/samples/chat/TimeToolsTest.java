package dev.llama3.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;

class TimeToolsTest {

    private final TimeTools tools = new TimeTools(Clock.fixed(Instant.parse("2025-07-01T10:15:30Z"), ZoneOffset.UTC));

    @Test
    void currentTimeInAZone() {
        assertThat(this.tools.currentTime("Europe/Paris")).isEqualTo("2025-07-01T12:15:30+02:00 (Europe/Paris)");
        assertThat(this.tools.currentTime(" UTC ")).isEqualTo("2025-07-01T10:15:30Z (UTC)");
    }

    @Test
    void unknownZoneIsExplainedToTheModel() {
        assertThat(this.tools.currentTime("Mars/Olympus")).startsWith("Unknown time zone 'Mars/Olympus'");
    }

    @Test
    void isAToolWithAZoneParameter() {
        ToolCallback[] callbacks = ToolCallbacks.from(this.tools);
        assertThat(callbacks).hasSize(1);
        assertThat(callbacks[0].getToolDefinition().name()).isEqualTo("currentTime");
        assertThat(callbacks[0].getToolDefinition().inputSchema()).contains("\"zone\"").contains("IANA");
        assertThat(callbacks[0].call("{\"zone\": \"Asia/Tokyo\"}")).contains("2025-07-01T19:15:30+09:00");
    }
}
