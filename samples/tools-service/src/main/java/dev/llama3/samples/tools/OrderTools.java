package dev.llama3.samples.tools;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * The order desk as tools. Answers are short plain sentences the model can quote; an unknown order or customer is an
 * answer too (never an exception), so the model can tell the user what went wrong.
 */
public class OrderTools {

    private final OrderBook orders;

    public OrderTools(OrderBook orders) {
        this.orders = orders;
    }

    @Tool(description = "Looks up one order by its order number: status, items, total and expected delivery date")
    public String lookupOrder(@ToolParam(description = "The order number, e.g. A-1001") String orderId) {
        return this.orders.find(orderId).map(OrderTools::describe)
                .orElse("There is no order " + orderId.strip() + ". Order numbers look like A-1001.");
    }

    @Tool(description = "Lists the orders of a customer, newest first, by the customer's email address")
    public String listOrders(@ToolParam(description = "The customer's email address") String customerEmail) {
        List<Order> found = this.orders.ofCustomer(customerEmail);
        if (found.isEmpty()) {
            return "No orders for " + customerEmail.strip() + ".";
        }
        return found.stream().map(o -> o.id() + " (" + o.status().name().toLowerCase(Locale.ROOT) + ", placed " + o.placedOn()
                + ")").collect(Collectors.joining("; ", "Orders of " + customerEmail.strip() + ": ", "."));
    }

    static String describe(Order order) {
        String items = order.lines().stream().map(l -> l.quantity() + " x " + l.product())
                .collect(Collectors.joining(", "));
        String delivery = order.expectedDelivery() == null ? "" : ", expected on " + order.expectedDelivery();
        return "Order " + order.id() + ": " + order.status().name().toLowerCase(Locale.ROOT) + delivery + "; " + items
                + "; total " + order.total() + " EUR; placed on " + order.placedOn() + ".";
    }
}
