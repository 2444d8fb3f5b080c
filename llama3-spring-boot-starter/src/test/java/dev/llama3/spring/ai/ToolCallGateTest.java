package dev.llama3.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a streamed reply shows the client before it is known whether it is a tool call. */
class ToolCallGateTest {

    private static List<String> feed(ToolCallGate[] gate, String... pieces) {
        List<String> out = new ArrayList<>();
        gate[0] = new ToolCallGate(out::add);
        for (String p : pieces) {
            gate[0].accept(p);
        }
        return out;
    }

    @Test
    void textPassesOnceItIsClearlyText() {
        ToolCallGate[] gate = new ToolCallGate[1];
        assertThat(feed(gate, " ", "\n", "It", " is", " noon")).containsExactly(" \nIt", " is", " noon");
        assertThat(gate[0].holding()).isFalse();
        assertThat(feed(gate, "<", "b>", "bold")).containsExactly("<b>", "bold");
    }

    @Test
    void callsAreHeldBackWhole() {
        ToolCallGate[] gate = new ToolCallGate[1];
        assertThat(feed(gate, "  ", "{\"", "name", "\": ...}")).isEmpty();
        assertThat(gate[0].holding()).isTrue();
        assertThat(feed(gate, "<|python_tag|>", "{")).isEmpty();
        assertThat(gate[0].holding()).isTrue();
    }

    @Test
    void anUndecidedStartIsKept() {
        ToolCallGate[] gate = new ToolCallGate[1];
        assertThat(feed(gate, " ", "<|py")).isEmpty();
        assertThat(gate[0].holding()).isFalse();
        assertThat(gate[0].undecided()).isEqualTo(" <|py");
    }
}
