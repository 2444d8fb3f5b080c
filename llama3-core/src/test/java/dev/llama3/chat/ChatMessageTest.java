package dev.llama3.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class ChatMessageTest {

    @Test
    void factoriesSetTheRole() {
        assertThat(ChatMessage.system("s")).isEqualTo(new ChatMessage(Role.SYSTEM, "s"));
        assertThat(ChatMessage.user("u")).isEqualTo(new ChatMessage(Role.USER, "u"));
        assertThat(ChatMessage.assistant("a")).isEqualTo(new ChatMessage(Role.ASSISTANT, "a"));
        assertThat(ChatMessage.ipython("{\"ok\":true}").role()).isEqualTo(Role.IPYTHON);
        assertThat(ChatMessage.user("").content()).isEmpty();
    }

    @Test
    void nullsAreRejectedNamingTheField() {
        assertThatNullPointerException().isThrownBy(() -> new ChatMessage(null, "x")).withMessage("role");
        assertThatNullPointerException().isThrownBy(() -> ChatMessage.user(null)).withMessage("content");
    }

    @Test
    void rolesCarryTheirHeaderText() {
        assertThat(Role.SYSTEM.header()).isEqualTo("system");
        assertThat(Role.USER.header()).isEqualTo("user");
        assertThat(Role.ASSISTANT.header()).isEqualTo("assistant");
        assertThat(Role.IPYTHON.header()).isEqualTo("ipython");
        for (Role r : Role.values()) {
            assertThat(Role.fromHeader(r.header())).isSameAs(r);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> Role.fromHeader("tool")).withMessageContaining("tool");
    }
}
