package dev.llama3.samples.chat;

import dev.llama3.samples.chat.ChatApi.ChatReply;
import dev.llama3.samples.chat.ChatApi.ChatRequest;
import dev.llama3.samples.chat.ChatApi.Done;
import dev.llama3.samples.chat.ChatApi.Piece;
import dev.llama3.samples.chat.ChatApi.Usage;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * {@code POST /chat} answers one message; {@code GET /chat/stream} streams the answer as server-sent events, one
 * {@code piece} event per decoded piece of text and a last {@code done} event with the finish reason and the usage.
 *
 * <p>The stream is the model's {@link Flux}: Spring MVC subscribes to it and cancels the subscription when the client
 * goes away (the next write fails) or the async request times out, and cancelling stops the model's decoding loop
 * before its next token and frees its session.
 */
@RestController
class ChatController {

    private final ChatClient chat;
    private final PromptGuard guard;
    private final ChatErrors errors;

    ChatController(ChatClient chat, PromptGuard guard, ChatErrors errors) {
        this.chat = chat;
        this.guard = guard;
        this.errors = errors;
    }

    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ChatReply chat(@RequestBody ChatRequest request) {
        String message = this.guard.check(request.message());
        ChatResponse response = this.chat.prompt().user(message).call().chatResponse();
        if (response == null || response.getResult() == null) {
            throw new IllegalStateException("the model returned no reply");
        }
        String reply = response.getResult().getOutput().getText();
        return new ChatReply(reply == null ? "" : reply, usage(response.getMetadata()));
    }

    @GetMapping(path = "/chat/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> stream(@RequestParam(required = false) @Nullable String message) {
        String checked = this.guard.check(message);
        return this.chat.prompt().user(checked).stream().chatResponse()
                .mapNotNull(ChatController::event)
                // Failures after the first event cannot change the status any more: they end the stream with an
                // error event carrying the same problem detail a failed POST /chat would have.
                .onErrorResume(e -> Flux.just(ServerSentEvent.<Object>builder(this.errors.problem(e))
                        .event("error").build()));
    }

    private static @Nullable ServerSentEvent<Object> event(ChatResponse response) {
        Generation result = response.getResult();
        if (result == null) {
            return null;
        }
        String finishReason = result.getMetadata().getFinishReason();
        if (finishReason != null && !finishReason.isEmpty()) {
            return ServerSentEvent.<Object>builder(new Done(finishReason, usage(response.getMetadata())))
                    .event("done").build();
        }
        String text = result.getOutput().getText();
        if (text == null || text.isEmpty()) {
            return null;
        }
        return ServerSentEvent.<Object>builder(new Piece(text)).event("piece").build();
    }

    private static Usage usage(ChatResponseMetadata metadata) {
        var usage = metadata.getUsage();
        return new Usage(toInt(usage.getPromptTokens()), toInt(usage.getCompletionTokens()));
    }

    private static int toInt(@Nullable Integer value) {
        return value == null ? 0 : value;
    }
}
