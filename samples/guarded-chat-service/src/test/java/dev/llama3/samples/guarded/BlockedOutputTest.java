package dev.llama3.samples.guarded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.llama3.spring.ai.Llama3ChatModel;
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

/** Only output is checked, with threshold 0: the model answers, the reply is withheld with 422. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.ai.llama3.guard.threshold=0", "spring.ai.llama3.guard.checks=output"})
@AutoConfigureMockMvc
class BlockedOutputTest extends GuardedServiceTestSupport {

    @Autowired
    MockMvc mvc;

    @Autowired
    Llama3ChatModel chatModel;

    @LocalServerPort
    int port;

    @Test
    void blockedReplyIs422() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\": \"Hello\"}"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.title").value("Reply blocked"))
                .andExpect(jsonPath("$.direction").value("output"));
        assertThat(this.chatModel.generatedTokens()).isPositive();
    }

    @Test
    void blockedStreamSendsOnlyAnErrorEvent() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + this.port + "/chat/stream?message=Hi")).timeout(Duration.ofSeconds(120))
                .build(), HttpResponse.BodyHandlers.ofString());
        // The stream is buffered until the guard has read the whole reply: no piece of it reaches the client.
        List<String> events = Pattern.compile("(?m)^event:(\\S+)").matcher(response.body()).results()
                .map(m -> m.group(1)).toList();
        assertThat(events).containsExactly("error");
        assertThat(response.body()).contains("\"status\":422").contains("\"direction\":\"output\"");
    }
}
