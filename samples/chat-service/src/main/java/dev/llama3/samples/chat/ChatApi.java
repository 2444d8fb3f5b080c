package dev.llama3.samples.chat;

import org.jspecify.annotations.Nullable;

/** The JSON bodies of the service. */
final class ChatApi {

    private ChatApi() {}

    /** {@code POST /chat} request. */
    record ChatRequest(@Nullable String message) {}

    /** {@code POST /chat} response. */
    record ChatReply(String reply, Usage usage) {}

    /** Tokens of the prompt (with the system prompt and the dialog format's tokens) and of the reply. */
    record Usage(int promptTokens, int completionTokens) {}

    /** {@code GET /chat/stream} event {@code piece}: one decoded piece of the reply. */
    record Piece(String text) {}

    /** {@code GET /chat/stream} last event {@code done}: why the reply ended and what it cost. */
    record Done(String finishReason, Usage usage) {}
}
