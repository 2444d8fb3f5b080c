package dev.llama3.samples.guarded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.llama3.spring.ai.Llama3ChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Threshold 0: every message is unsafe, is answered with 422 and never reaches the chat model. */
@SpringBootTest(properties = "spring.ai.llama3.guard.threshold=0")
@AutoConfigureMockMvc
class BlockedInputTest extends GuardedServiceTestSupport {

    @Autowired
    MockMvc mvc;

    @Autowired
    Llama3ChatModel chatModel;

    @Autowired
    MeterRegistry meters;

    @Test
    void blockedMessageIs422WithCategoriesAndNeverReachesTheModel() throws Exception {
        this.mvc.perform(post("/chat").contentType(MediaType.APPLICATION_JSON).content("{\"message\": \"Hello\"}"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Message blocked"))
                .andExpect(jsonPath("$.direction").value("input"))
                .andExpect(jsonPath("$.categories").isMap());
        assertThat(this.chatModel.generatedTokens()).isZero();
        assertThat(this.meters.find("llama3.guard.checks").tag("direction", "input").tag("outcome", "blocked")
                .counter()).isNotNull();
    }

    @Test
    void blockedStreamIs422BeforeAnyEvent() throws Exception {
        this.mvc.perform(get("/chat/stream").param("message", "Hello again").accept(MediaType.TEXT_EVENT_STREAM,
                        MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.direction").value("input"));
        assertThat(this.chatModel.generatedTokens()).isZero();
    }
}
