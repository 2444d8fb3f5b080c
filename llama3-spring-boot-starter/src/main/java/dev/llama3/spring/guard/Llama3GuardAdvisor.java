package dev.llama3.spring.guard;

import dev.llama3.chat.ChatMessage;
import dev.llama3.guard.GuardVerdict;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Puts Llama Guard in front of and behind a ChatClient's model, whatever the model is.
 *
 * <p><b>Input</b>: the request's last user message is classified first; if it is unsafe the chat model is never
 * called. <b>Output</b>: the reply is classified in the context of the conversation before the caller sees it.
 * Streams are <b>buffered, then released</b>: the chunks are collected, the whole reply is classified, and then
 * either the original chunks or the blocked reply are emitted — never a partially shown unsafe answer, at the
 * price of the stream arriving at once. Replies that only call tools carry no text to classify and pass.
 *
 * <p>Blocked content becomes the configured reply (finish reason {@value #BLOCKED}, categories in the generation
 * metadata under {@value #CATEGORIES_KEY}, the verdict in the response context under {@value #VERDICT_KEY}) or a
 * {@link Llama3GuardBlockedException}. Ordered before the chat-memory advisor (and so before tool calling), so an
 * unsafe request is stopped before anything else runs.
 */
public class Llama3GuardAdvisor implements CallAdvisor, StreamAdvisor {

    /** Finish reason of a blocked reply. */
    public static final String BLOCKED = "BLOCKED";
    /** Generation metadata key of the violated category codes. */
    public static final String CATEGORIES_KEY = "llama3.guard.categories";
    /** Response context key of the {@link GuardVerdict} that blocked. */
    public static final String VERDICT_KEY = "llama3.guard.verdict";
    /** Runs before chat memory ({@link Advisor#DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER}). */
    public static final int ORDER = Advisor.DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER - 100;

    private final Llama3SafetyGuard guard;
    private final boolean checkInput;
    private final boolean checkOutput;
    private final String blockedReply;
    private final boolean throwOnBlock;

    public Llama3GuardAdvisor(Llama3SafetyGuard guard, boolean checkInput, boolean checkOutput, String blockedReply,
            boolean throwOnBlock) {
        this.guard = guard;
        this.checkInput = checkInput;
        this.checkOutput = checkOutput;
        this.blockedReply = blockedReply;
        this.throwOnBlock = throwOnBlock;
    }

    @Override
    public String getName() {
        return "Llama3GuardAdvisor";
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        if (checkInput) {
            GuardVerdict verdict = checkRequest(request);
            if (!verdict.safe()) {
                return blocked(request, GuardDirection.INPUT, verdict);
            }
        }
        ChatClientResponse response = chain.nextCall(request);
        if (checkOutput) {
            GuardVerdict verdict = checkReply(request, text(response));
            if (!verdict.safe()) {
                return blocked(request, GuardDirection.OUTPUT, verdict);
            }
        }
        return response;
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        Mono<GuardVerdict> input = checkInput
                ? Mono.fromCallable(() -> checkRequest(request)).subscribeOn(Schedulers.boundedElastic())
                : Mono.just(new GuardVerdict(true, List.of(), Double.NaN, "not checked"));
        return input.flatMapMany(in -> {
            if (!in.safe()) {
                return Mono.fromCallable(() -> blocked(request, GuardDirection.INPUT, in)).flux();
            }
            Flux<ChatClientResponse> reply = chain.nextStream(request);
            if (!checkOutput) {
                return reply;
            }
            return reply.collectList().flatMapMany(chunks -> {
                StringBuilder text = new StringBuilder();
                chunks.forEach(c -> text.append(text(c)));
                return Mono.fromCallable(() -> checkReply(request, text.toString()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMapMany(out -> out.safe() ? Flux.fromIterable(chunks)
                                : Mono.fromCallable(() -> blocked(request, GuardDirection.OUTPUT, out)).flux());
            });
        });
    }

    private GuardVerdict checkRequest(ChatClientRequest request) {
        return guard.check(Llama3SafetyGuard.conversation(request.prompt().getInstructions()), GuardDirection.INPUT);
    }

    private GuardVerdict checkReply(ChatClientRequest request, String reply) {
        if (reply.isBlank()) {
            return new GuardVerdict(true, List.of(), Double.NaN, "no text");
        }
        List<ChatMessage> conversation = new ArrayList<>(
                Llama3SafetyGuard.conversation(request.prompt().getInstructions()));
        conversation.add(ChatMessage.assistant(reply));
        return guard.check(conversation, GuardDirection.OUTPUT);
    }

    private static String text(ChatClientResponse response) {
        ChatResponse r = response.chatResponse();
        if (r == null) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        for (Generation g : r.getResults()) {
            String t = g.getOutput().getText();
            if (t != null) {
                s.append(t);
            }
        }
        return s.toString();
    }

    private ChatClientResponse blocked(ChatClientRequest request, GuardDirection direction, GuardVerdict verdict) {
        if (throwOnBlock) {
            throw new Llama3GuardBlockedException(direction, verdict);
        }
        ChatGenerationMetadata metadata = ChatGenerationMetadata.builder().finishReason(BLOCKED)
                .metadata(CATEGORIES_KEY, verdict.categories()).metadata("llama3.guard.direction", direction.tag())
                .build();
        ChatResponse response = ChatResponse.builder()
                .generations(List.of(new Generation(new AssistantMessage(blockedReply), metadata))).build();
        return ChatClientResponse.builder().chatResponse(response).context(request.context())
                .context(VERDICT_KEY, verdict).build();
    }
}
