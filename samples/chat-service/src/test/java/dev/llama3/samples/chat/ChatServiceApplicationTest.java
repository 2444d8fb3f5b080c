package dev.llama3.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.llama3.engine.LlamaEngine;
import dev.llama3.spring.actuate.MicrometerLlama3Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The whole service on a synthetic tiny Llama 3 model (random weights, byte-level vocabulary: the replies are noise,
 * the plumbing is real). Greedy decoding makes every reply reproducible.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
class ChatServiceApplicationTest {

    private static final int CONTEXT = 2048;
    // Far above what decodes while the server notices a client that went away (45-70 tokens of the tiny model, once
    // 273 on a busy machine), so that "stopped long before the limit" does not depend on the machine's speed.
    private static final int MAX_TOKENS = 1800;
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.llama3.model.path", () -> TinyModel.PATH.toString());
        registry.add("spring.ai.llama3.threads", () -> "1");
        registry.add("spring.ai.llama3.context-length", () -> String.valueOf(CONTEXT));
        registry.add("spring.ai.llama3.chat.temperature", () -> "0");
        registry.add("spring.ai.llama3.chat.max-tokens", () -> String.valueOf(MAX_TOKENS));
        // The tools' prompt changes what a random-weight model says (it may stop after a few tokens, leaving nothing
        // to cancel): these tests keep them from the model; ChatServiceToolsTest runs the tool.
        registry.add("spring.ai.llama3.chat.tool-choice", () -> "none");
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    LlamaEngine engine;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void chatAnswersWithReplyAndUsage() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\": \"Hello\"}"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.reply").isString())
                .andExpect(jsonPath("$.usage.promptTokens").value(org.hamcrest.Matchers.greaterThan(5)))
                .andExpect(jsonPath("$.usage.completionTokens").value(org.hamcrest.Matchers.greaterThan(0)));
    }

    @Test
    void streamSendsOnePieceEventPerDecodedPieceThenUsage() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> response = this.http.send(HttpRequest.newBuilder(
                        uri("/chat/stream?message=" + URLEncoder.encode("Hello", StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE));
        List<Event> events = parse(response.body().toList());
        assertThat(events).hasSizeGreaterThan(2);
        Event done = events.get(events.size() - 1);
        assertThat(done.name()).isEqualTo("done");
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e.name()).isEqualTo("piece"));
        StringBuilder streamed = new StringBuilder();
        for (Event e : events.subList(0, events.size() - 1)) {
            String text = e.data().get("text").asString();
            assertThat(text).isNotEmpty();
            streamed.append(text);
        }
        int completion = done.data().get("usage").get("completionTokens").asInt();
        assertThat(done.data().get("usage").get("promptTokens").asInt()).isGreaterThan(5);
        assertThat(completion).isPositive().isGreaterThanOrEqualTo(events.size() - 1);
        assertThat(done.data().get("finishReason").asString()).isIn("STOP", "LENGTH");

        // Greedy decoding: the call endpoint answers the same message with the same text.
        MvcResult call = this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON)
                .content("{\"message\": \"Hello\"}")).andExpect(status().isOk()).andReturn();
        JsonNode reply = JSON.readTree(call.getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(reply.get("reply").asString()).isEqualTo(streamed.toString());
        assertThat(reply.get("usage").get("completionTokens").asInt()).isEqualTo(completion);
    }

    @Test
    void clientThatDisconnectsStopsTheGeneration() throws Exception {
        Counter before = cancelledStreams();
        double cancelledBefore = before == null ? 0 : before.count();
        double tokensBefore = generatedStreamTokens();
        try (Socket socket = new Socket("localhost", this.port)) {
            OutputStream out = socket.getOutputStream();
            // On this model the greedy reply to "Hello" runs to the token limit (a shorter one could end before the
            // server notices that the client went away, and there would be nothing to cancel).
            out.write(("GET /chat/stream?message=Hello HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            int pieces = 0;
            for (String line; pieces < 3 && (line = in.readLine()) != null;) {
                if (line.equals("event:piece")) {
                    pieces++;
                }
            }
            assertThat(pieces).isEqualTo(3);
        } // the client goes away mid-stream
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((cancelledStreams() == null || cancelledStreams().count() == cancelledBefore)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cancelledStreams()).as("cancelled streams; generations: %s", generations()).isNotNull();
        assertThat(cancelledStreams().count()).isEqualTo(cancelledBefore + 1);
        // Decoding stopped long before the token limit, and the session (KV cache) was released.
        assertThat(generatedStreamTokens() - tokensBefore).as("tokens generated").isLessThan(MAX_TOKENS / 2.0);
        assertThat(this.engine.openSessions()).isZero();
    }

    @Test
    void missingOrBlankMessageIsABadRequest() throws Exception {
        for (String body : List.of("{}", "{\"message\": \"  \"}", "{\"message\": null}")) {
            this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(400))
                    .andExpect(jsonPath("$.title").value("Missing message"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("message")));
        }
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{not json"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        for (String query : List.of("", "?message=", "?message=%20%20")) {
            HttpResponse<String> response = get("/chat/stream" + query);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(response.body()).get("title").asString()).isEqualTo("Missing message");
        }
    }

    @Test
    void promptLongerThanTheContextIsABadRequest() throws Exception {
        String message = "x".repeat(CONTEXT + 100); // the tiny vocabulary has one token per byte
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON)
                        .content(JSON.writeValueAsString(java.util.Map.of("message", message))))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Prompt too long"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(
                        "context holds " + CONTEXT)));
        HttpResponse<String> response = get("/chat/stream?message=" + message);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("title").asString()).isEqualTo("Prompt too long");
    }

    @Test
    void healthShowsTheModelUp() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode llama3 = JSON.readTree(response.body()).get("components").get("llama3");
        assertThat(llama3.get("status").asString()).isEqualTo("UP");
        JsonNode details = llama3.get("details");
        assertThat(details.get("file").asString()).isEqualTo(TinyModel.PATH.toString());
        assertThat(details.get("backend").asString()).isEqualTo("cpu");
        assertThat(details.get("contextLength").asInt()).isEqualTo(CONTEXT);
        assertThat(details.get("weightTypes").asString()).contains("Q8_0");
        assertThat(details.has("sessionsInUse")).isTrue();
    }

    @Test
    void metricsAreExposed() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\": \"Hi\"}"))
                .andExpect(status().isOk());
        for (String meter : List.of(MicrometerLlama3Metrics.GENERATED_TOKENS, MicrometerLlama3Metrics.PROMPT_TOKENS,
                MicrometerLlama3Metrics.TIME_TO_FIRST_TOKEN, MicrometerLlama3Metrics.GENERATION_SPEED,
                "llama3.sessions.active")) {
            HttpResponse<String> response = get("/actuator/metrics/" + meter);
            assertThat(response.statusCode()).as(meter).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("name").asString()).isEqualTo(meter);
        }
    }

    private Counter cancelledStreams() {
        return this.meters.find(MicrometerLlama3Metrics.GENERATIONS).tags("mode", "stream", "finish.reason",
                "cancelled").counter();
    }

    private List<String> generations() {
        return this.meters.find(MicrometerLlama3Metrics.GENERATIONS).counters().stream()
                .map(c -> c.getId().getTags() + "=" + c.count()).toList();
    }

    private double generatedStreamTokens() {
        Counter c = this.meters.find(MicrometerLlama3Metrics.GENERATED_TOKENS).tags("mode", "stream").counter();
        return c == null ? 0 : c.count();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + this.port + path);
    }

    record Event(String name, JsonNode data) {}

    /** Server-sent events: "event:" and "data:" lines, a blank line after each event. */
    private static List<Event> parse(List<String> lines) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line : lines) {
            if (line.isEmpty()) {
                if (name != null || !data.isEmpty()) {
                    events.add(new Event(name, JSON.readTree(data.toString())));
                }
                name = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length()));
            }
        }
        return events;
    }

    /** A synthetic tiny Llama 3 model, written once per test JVM. */
    static final class TinyModel {
        static final Path PATH = SampleTesting.tinyModel();
    }
}
