package dev.llama3.samples.tools;

import dev.llama3.samples.tools.Order.Line;
import dev.llama3.samples.tools.Order.Status;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The shop's orders, in memory (a real service would read its database here). */
@Component
public class OrderBook {

    private final Map<String, Order> orders;

    public OrderBook() {
        this(List.of(
                new Order("A-1001", "ada@example.com", Status.SHIPPED,
                        List.of(new Line("Espresso machine", 1, new BigDecimal("249.00")),
                                new Line("Descaler, 500 ml", 2, new BigDecimal("9.90"))),
                        LocalDate.of(2026, 11, 18), LocalDate.of(2026, 11, 25)),
                new Order("A-1002", "ada@example.com", Status.DELIVERED,
                        List.of(new Line("Coffee beans, 1 kg", 3, new BigDecimal("18.50"))),
                        LocalDate.of(2026, 10, 2), null),
                new Order("B-2001", "grace@example.com", Status.PLACED,
                        List.of(new Line("Milk frother", 1, new BigDecimal("39.00"))),
                        LocalDate.of(2026, 11, 22), LocalDate.of(2026, 11, 28)),
                new Order("B-2002", "grace@example.com", Status.CANCELLED,
                        List.of(new Line("Grinder", 1, new BigDecimal("89.00"))),
                        LocalDate.of(2026, 9, 14), null)));
    }

    public OrderBook(Collection<Order> orders) {
        this.orders = orders.stream().collect(Collectors.toUnmodifiableMap(o -> normalize(o.id()),
                Function.identity()));
    }

    /** The order with this number; case and surrounding blanks do not matter. */
    public Optional<Order> find(String id) {
        return Optional.ofNullable(this.orders.get(normalize(id)));
    }

    /** The orders of a customer, newest first. */
    public List<Order> ofCustomer(String email) {
        String wanted = email.strip().toLowerCase(Locale.ROOT);
        return this.orders.values().stream().filter(o -> o.customerEmail().equals(wanted))
                .sorted((a, b) -> b.placedOn().compareTo(a.placedOn())).toList();
    }

    private static String normalize(String id) {
        return id.strip().toUpperCase(Locale.ROOT);
    }
}
