package dev.llama3.samples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;

class OrderToolsTest {

    private final OrderTools tools = new OrderTools(new OrderBook());

    @Test
    void looksUpAnOrderWhateverTheCase() {
        assertThat(this.tools.lookupOrder(" a-1001 ")).isEqualTo("Order A-1001: shipped, expected on 2026-11-25; "
                + "1 x Espresso machine, 2 x Descaler, 500 ml; total 268.80 EUR; placed on 2026-11-18.");
        assertThat(this.tools.lookupOrder("A-1002")).startsWith("Order A-1002: delivered; 3 x Coffee beans");
    }

    @Test
    void unknownOrderIsAnAnswerNotAnError() {
        assertThat(this.tools.lookupOrder("Z-9")).isEqualTo("There is no order Z-9. Order numbers look like A-1001.");
    }

    @Test
    void listsACustomersOrdersNewestFirst() {
        assertThat(this.tools.listOrders("Grace@Example.com ")).isEqualTo("Orders of Grace@Example.com: "
                + "B-2001 (placed, placed 2026-11-22); B-2002 (cancelled, placed 2026-09-14).");
        assertThat(this.tools.listOrders("nobody@example.com")).isEqualTo("No orders for nobody@example.com.");
    }

    @Test
    void areToolsWithStringParameters() {
        ToolCallback[] callbacks = ToolCallbacks.from(this.tools);
        assertThat(Arrays.stream(callbacks).map(c -> c.getToolDefinition().name()))
                .containsExactlyInAnyOrder("lookupOrder", "listOrders");
        ToolCallback lookup = Arrays.stream(callbacks).filter(c -> c.getToolDefinition().name().equals("lookupOrder"))
                .findFirst().orElseThrow();
        assertThat(lookup.getToolDefinition().inputSchema()).contains("\"orderId\"");
        assertThat(lookup.call("{\"orderId\": \"B-2001\"}")).contains("Milk frother");
    }
}
