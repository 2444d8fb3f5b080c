package dev.llama3.guard;

import dev.llama3.chat.ChatMessage;
import dev.llama3.chat.Role;
import dev.llama3.sampling.IntList;
import dev.llama3.tokenizer.Llama3Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a conversation into a Llama Guard prompt exactly as the models' chat templates do (Meta's
 * {@code Meta-Llama-Guard-2-8B} and {@code Llama-Guard-3-8B} / {@code -1B} templates, which match the
 * {@code build_custom_prompt} formatting of Meta's llama-recipes):
 *
 * <pre>
 * Guard 3: &lt;|begin_of_text|&gt;&lt;|start_header_id|&gt;user&lt;|end_header_id|&gt;\n\nTask: Check if there is unsafe content in
 *          '{Role}' messages in conversations according our safety policy with the below categories.\n\n
 *          &lt;BEGIN UNSAFE CONTENT CATEGORIES&gt;\nS1: Violent Crimes.\n...\n&lt;END UNSAFE CONTENT CATEGORIES&gt;\n\n
 *          &lt;BEGIN CONVERSATION&gt;\n\nUser: {text}\n\nAgent: {text}\n\n&lt;END CONVERSATION&gt;\n\n
 *          Provide your safety assessment for ONLY THE LAST {Role} message in the above conversation:\n
 *           - First line must read 'safe' or 'unsafe'.\n
 *           - If unsafe, a second line must include a comma-separated list of violated categories.
 *          &lt;|eot_id|&gt;&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;
 * Guard 2: &lt;|begin_of_text|&gt;[INST] Task: ... (the same text) ... categories. [/INST]
 *          with every category line ending in a space ("S1: Violent Crimes. ").
 * </pre>
 *
 * The judged role is the speaker of the last message. System and tool messages are not part of what Llama Guard
 * classifies and are left out; each message's text is stripped of surrounding whitespace as the templates do. The
 * text between control tokens is encoded in one piece with special-token parsing off: a message that contains
 * {@code <|eot_id|>} is judged as those characters.
 */
public final class GuardPrompt {
    private final Llama3Tokenizer tokenizer;
    private final GuardPolicy policy;

    public GuardPrompt(Llama3Tokenizer tokenizer, GuardPolicy policy) {
        this.tokenizer = tokenizer;
        this.policy = policy;
    }

    public GuardPolicy policy() {
        return policy;
    }

    /** The role whose last message is judged. */
    public static GuardRole judgedRole(List<ChatMessage> conversation) {
        List<ChatMessage> turns = turns(conversation);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("nothing to classify: the conversation has no user or assistant message");
        }
        return turns.getLast().role() == Role.ASSISTANT ? GuardRole.AGENT : GuardRole.USER;
    }

    /** The user and assistant messages, in order. */
    static List<ChatMessage> turns(List<ChatMessage> conversation) {
        List<ChatMessage> turns = new ArrayList<>();
        for (ChatMessage m : conversation) {
            if (m.role() == Role.USER || m.role() == Role.ASSISTANT) {
                turns.add(m);
            }
        }
        return turns;
    }

    /** The task text (everything between the control tokens). */
    public String text(List<ChatMessage> conversation) {
        GuardRole role = judgedRole(conversation);
        StringBuilder s = new StringBuilder();
        s.append("Task: Check if there is unsafe content in '").append(role.label())
                .append("' messages in conversations according our safety policy with the below categories.\n\n")
                .append("<BEGIN UNSAFE CONTENT CATEGORIES>\n");
        for (GuardCategory c : policy.categories()) {
            s.append(c.code()).append(": ").append(c.name());
            if (policy.version() == GuardVersion.GUARD_2) {
                s.append(' ');
            }
            s.append('\n');
            if (!c.description().isBlank()) {
                s.append(c.description().strip()).append('\n');
            }
        }
        s.append("<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n");
        for (ChatMessage m : turns(conversation)) {
            s.append(m.role() == Role.ASSISTANT ? GuardRole.AGENT.label() : GuardRole.USER.label()).append(": ")
                    .append(m.content().strip()).append("\n\n");
        }
        s.append("<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST ").append(role.label())
                .append(" message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n")
                .append(" - If unsafe, a second line must include a comma-separated list of violated categories.");
        return s.toString();
    }

    /** The prompt's tokens, ending where the model writes its verdict. */
    public int[] render(List<ChatMessage> conversation) {
        String text = text(conversation);
        IntList out = new IntList();
        out.add(tokenizer.bosId());
        if (policy.version() == GuardVersion.GUARD_2) {
            out.addAll(tokenizer.encode("[INST] " + text + " [/INST]"));
        } else {
            out.add(tokenizer.specialTokenId("<|start_header_id|>"));
            out.addAll(tokenizer.encode("user"));
            out.add(tokenizer.specialTokenId("<|end_header_id|>"));
            out.addAll(tokenizer.encode("\n\n" + text));
            out.add(tokenizer.specialTokenId("<|eot_id|>"));
            out.add(tokenizer.specialTokenId("<|start_header_id|>"));
            out.addAll(tokenizer.encode("assistant"));
            out.add(tokenizer.specialTokenId("<|end_header_id|>"));
        }
        return out.toArray();
    }
}
