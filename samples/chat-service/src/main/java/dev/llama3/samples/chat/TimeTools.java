package dev.llama3.samples.chat;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** The sample's tool: what time it is in a time zone. */
public class TimeTools {

    private final java.time.Clock clock;

    public TimeTools(java.time.Clock clock) {
        this.clock = clock;
    }

    @Tool(description = "The current date and time in a time zone, in ISO-8601 format with the zone's offset")
    public String currentTime(@ToolParam(description = "IANA time zone id, e.g. Europe/Paris, America/New_York or UTC")
            String zone) {
        ZoneId id;
        try {
            id = ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            return "Unknown time zone '" + zone + "': use an IANA id such as Europe/Paris or UTC";
        }
        return ZonedDateTime.now(this.clock.withZone(id)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " (" + id
                + ")";
    }
}
