package dev.llama3.samples.guarded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Threshold 1: nothing short of certainty is unsafe, so both endpoints answer as the plain chat service does. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.ai.llama3.guard.threshold=1")
@AutoConfigureMockMvc
class AllowedTest extends GuardedServiceTestSupport {

    @Autowired
    MockMvc mvc;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @Test
    void safeMessageGetsItsReply() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\": \"Hello\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reply").isString())
                .andExpect(jsonPath("$.usage.completionTokens").isNumber());
        // input checked twice (before the request, then by the advisor: a cache hit) and output once
        assertThat(this.meters.find("llama3.guard.checks").tag("direction", "input").tag("cached", "true")
                .counter()).isNotNull();
        assertThat(this.meters.find("llama3.guard.checks").tag("direction", "output").tag("outcome", "safe")
                .counter()).isNotNull();
    }

    @Test
    void safeStreamGetsPiecesThenDone() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + this.port + "/chat/stream?message=Hi")).timeout(Duration.ofSeconds(120))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = Pattern.compile("(?m)^event:(\\S+)").matcher(response.body()).results()
                .map(m -> m.group(1)).toList();
        assertThat(events).isNotEmpty();
        assertThat(events.getLast()).isEqualTo("done");
        assertThat(events.subList(0, events.size() - 1)).containsOnly("piece");
    }
}
