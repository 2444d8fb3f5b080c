package dev.llama3.spring.ai;

import dev.llama3.chat.ToolCallParser;
import java.util.function.Consumer;

/**
 * Streams a reply that may be a tool call: text passes through as it decodes, but a reply that starts like a call
 * (<code>{</code> or the python tag, after whitespace) is held back whole, so that no piece of a call reaches the
 * client as text; the complete reply is read when generation ends. Leading whitespace waits until the first other
 * character decides. Used by one generation thread.
 */
final class ToolCallGate {

    private final Consumer<String> downstream;
    private final StringBuilder held = new StringBuilder();
    private boolean decided;
    private boolean holding;

    ToolCallGate(Consumer<String> downstream) {
        this.downstream = downstream;
    }

    void accept(String piece) {
        if (this.decided) {
            if (!this.holding) {
                this.downstream.accept(piece);
            }
            return;
        }
        this.held.append(piece);
        String lead = this.held.toString().stripLeading();
        if (lead.isEmpty() || (ToolCallParser.PYTHON_TAG.startsWith(lead))) {
            return; // not decided yet: whitespace, or what may be the start of the python tag
        }
        this.decided = true;
        this.holding = lead.startsWith("{") || lead.startsWith(ToolCallParser.PYTHON_TAG);
        if (!this.holding) {
            this.downstream.accept(this.held.toString());
            this.held.setLength(0);
        }
    }

    /** Whether the reply is being held back as a possible call (read it whole at the end). */
    boolean holding() {
        return this.holding;
    }

    /** Text accepted but neither passed on nor held as a call (whitespace only, or an undecided start). */
    String undecided() {
        return this.decided ? "" : this.held.toString();
    }
}
