package dev.llama3.samples.tools;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order of the shop.
 *
 * @param id order number, e.g. A-1001
 * @param customerEmail who placed it
 * @param status where it is
 * @param lines what was ordered
 * @param placedOn when it was placed
 * @param expectedDelivery when it should arrive (null once delivered or cancelled)
 */
public record Order(String id, String customerEmail, Status status, List<Line> lines, LocalDate placedOn,
        @Nullable LocalDate expectedDelivery) {

    /** Where an order is. */
    public enum Status { PLACED, PACKED, SHIPPED, DELIVERED, CANCELLED }

    /** One product of an order. */
    public record Line(String product, int quantity, BigDecimal unitPrice) {}

    /** The sum of the lines. */
    public BigDecimal total() {
        return this.lines.stream().map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
