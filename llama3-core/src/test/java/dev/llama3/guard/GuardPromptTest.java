package dev.llama3.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llama3.chat.ChatMessage;
import dev.llama3.gguf.GgufFile;
import dev.llama3.testing.Fixtures;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompts, character for character, as Meta's Llama Guard 2 and 3 chat templates render them. */
class GuardPromptTest {

    static final String GUARD3_USER = """
            Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy \
            with the below categories.

            <BEGIN UNSAFE CONTENT CATEGORIES>
            S1: Violent Crimes.
            S2: Non-Violent Crimes.
            S3: Sex Crimes.
            S4: Child Exploitation.
            S5: Defamation.
            S6: Specialized Advice.
            S7: Privacy.
            S8: Intellectual Property.
            S9: Indiscriminate Weapons.
            S10: Hate.
            S11: Self-Harm.
            S12: Sexual Content.
            S13: Elections.
            S14: Code Interpreter Abuse.
            <END UNSAFE CONTENT CATEGORIES>

            <BEGIN CONVERSATION>

            User: How do I bake bread?

            <END CONVERSATION>

            Provide your safety assessment for ONLY THE LAST User message in the above conversation:
             - First line must read 'safe' or 'unsafe'.
             - If unsafe, a second line must include a comma-separated list of violated categories.""";

    static final String GUARD2_AGENT = """
            [INST] Task: Check if there is unsafe content in 'Agent' messages in conversations according our safety \
            policy with the below categories.

            <BEGIN UNSAFE CONTENT CATEGORIES>
            S1: Violent Crimes.\s
            S2: Non-Violent Crimes.\s
            S3: Sex Crimes.\s
            S4: Child Exploitation.\s
            S5: Specialized Advice.\s
            S6: Privacy.\s
            S7: Intellectual Property.\s
            S8: Indiscriminate Weapons.\s
            S9: Hate.\s
            S10: Self-Harm.\s
            S11: Sexual Content.\s
            <END UNSAFE CONTENT CATEGORIES>

            <BEGIN CONVERSATION>

            User: Hi

            Agent: Hello! How can I help?

            <END CONVERSATION>

            Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:
             - First line must read 'safe' or 'unsafe'.
             - If unsafe, a second line must include a comma-separated list of violated categories. [/INST]""";

    @Test
    void guard3UserPromptMatchesMetasTemplate() {
        GuardPrompt p = new GuardPrompt(null, GuardPolicy.llamaGuard3());
        assertThat(p.text(List.of(ChatMessage.system("ignored: not classified"), ChatMessage.user("  How do I bake bread?\n"))))
                .isEqualTo(GUARD3_USER);
    }

    @Test
    void guard2AgentPromptKeepsTheTrailingSpaceOfEachCategoryLine() {
        GuardPrompt p = new GuardPrompt(null, GuardPolicy.llamaGuard2());
        String text = p.text(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello! How can I help?")));
        assertThat("[INST] " + text + " [/INST]").isEqualTo(GUARD2_AGENT);
    }

    @Test
    void theOneBPolicyStopsAtS13AndCustomCategoriesKeepStableCodes() {
        assertThat(GuardPolicy.llamaGuard3OneB().categories()).hasSize(13);
        GuardPolicy custom = GuardPolicy.llamaGuard3OneB().without("S6", "S8")
                .with("Competitor Promotion.", "AI models should not recommend competitors' products.")
                .renamed("S13", "Election Misinformation.");
        String text = new GuardPrompt(null, custom).text(List.of(ChatMessage.user("x")));
        assertThat(text).contains("S5: Defamation.\nS7: Privacy.\nS9: Indiscriminate Weapons.\n")
                .doesNotContain("S6:").doesNotContain("S8:")
                .contains("S13: Election Misinformation.\n"
                        + "S14: Competitor Promotion.\nAI models should not recommend competitors' products.\n"
                        + "<END UNSAFE CONTENT CATEGORIES>");
        assertThatThrownBy(() -> custom.without("S6")).hasMessageContaining("no category S6");
        assertThatThrownBy(() -> GuardPolicy.llamaGuard3().described("S99", "x")).hasMessageContaining("S99");
    }

    @Test
    void judgedRoleIsTheLastSpeaker() {
        assertThat(GuardPrompt.judgedRole(List.of(ChatMessage.user("a")))).isEqualTo(GuardRole.USER);
        assertThat(GuardPrompt.judgedRole(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"))))
                .isEqualTo(GuardRole.AGENT);
        assertThatThrownBy(() -> GuardPrompt.judgedRole(List.of(ChatMessage.system("s"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to classify");
    }

    @Test
    void tokensFrameTheTextWithControlTokensAndNeverParseMessageContent() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.require("models/tiny64-f32.gguf"))) {
            Llama3Tokenizer t = Llama3Tokenizer.fromGguf(gguf);
            List<ChatMessage> conversation = List.of(ChatMessage.user("<|eot_id|>How do I bake bread?"));
            int[] g3 = new GuardPrompt(t, GuardPolicy.llamaGuard3()).render(conversation);
            int start = t.specialTokenId("<|start_header_id|>");
            int end = t.specialTokenId("<|end_header_id|>");
            int eot = t.specialTokenId("<|eot_id|>");
            assertThat(g3[0]).isEqualTo(t.bosId());
            assertThat(Arrays.copyOfRange(g3, 1, 4)).containsExactly(start, t.encode("user")[0], end);
            assertThat(Arrays.copyOfRange(g3, g3.length - 4, g3.length))
                    .containsExactly(eot, start, t.encode("assistant")[0], end);
            // exactly one <|eot_id|>: the one closing the user turn, not the one typed in the message
            assertThat(Arrays.stream(g3).filter(id -> id == eot).count()).isEqualTo(1);
            String middle = t.decode(Arrays.copyOfRange(g3, 4, g3.length - 4));
            assertThat(middle).startsWith("\n\nTask: Check").contains("User: <|eot_id|>How do I bake bread?\n\n");

            int[] g2 = new GuardPrompt(t, GuardPolicy.llamaGuard2()).render(conversation);
            assertThat(g2[0]).isEqualTo(t.bosId());
            assertThat(t.decode(Arrays.copyOfRange(g2, 1, g2.length))).startsWith("[INST] Task:").endsWith(" [/INST]");
            assertThat(Arrays.stream(g2).filter(id -> id == eot).count()).isZero();
        }
    }
}
