package dev.llama3.samples.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * A unit converter as a tool. The units are an enum, so the tool's JSON schema lists them and constrained decoding
 * lets the model name no other; converting between dimensions (kilograms to miles) is answered, not thrown.
 */
public class UnitTools {

    /** What a unit measures. */
    public enum Dimension { LENGTH, MASS, VOLUME, TEMPERATURE }

    /** The units, each as a factor to its dimension's base unit (metre, kilogram, litre; kelvin by formula). */
    public enum Unit {
        MILLIMETRE(Dimension.LENGTH, 0.001), CENTIMETRE(Dimension.LENGTH, 0.01), METRE(Dimension.LENGTH, 1),
        KILOMETRE(Dimension.LENGTH, 1000), INCH(Dimension.LENGTH, 0.0254), FOOT(Dimension.LENGTH, 0.3048),
        YARD(Dimension.LENGTH, 0.9144), MILE(Dimension.LENGTH, 1609.344),
        GRAM(Dimension.MASS, 0.001), KILOGRAM(Dimension.MASS, 1), OUNCE(Dimension.MASS, 0.028349523125),
        POUND(Dimension.MASS, 0.45359237),
        MILLILITRE(Dimension.VOLUME, 0.001), LITRE(Dimension.VOLUME, 1), US_CUP(Dimension.VOLUME, 0.2365882365),
        US_GALLON(Dimension.VOLUME, 3.785411784),
        CELSIUS(Dimension.TEMPERATURE, 1), FAHRENHEIT(Dimension.TEMPERATURE, 5.0 / 9), KELVIN(Dimension.TEMPERATURE, 1);

        final Dimension dimension;
        final double factor;

        Unit(Dimension dimension, double factor) {
            this.dimension = dimension;
            this.factor = factor;
        }

        double toBase(double value) {
            return switch (this) {
                case CELSIUS -> value + 273.15;
                case FAHRENHEIT -> (value - 32) * this.factor + 273.15;
                default -> value * this.factor;
            };
        }

        double fromBase(double base) {
            return switch (this) {
                case CELSIUS -> base - 273.15;
                case FAHRENHEIT -> (base - 273.15) / this.factor + 32;
                default -> base / this.factor;
            };
        }
    }

    @Tool(description = "Converts a quantity between units of length, mass, volume or temperature")
    public String convertUnits(@ToolParam(description = "The quantity to convert") double value,
            @ToolParam(description = "The unit the quantity is in") Unit from,
            @ToolParam(description = "The unit to convert to") Unit to) {
        if (from.dimension != to.dimension) {
            return "Cannot convert " + name(from) + " (" + name(from.dimension) + ") to " + name(to) + " ("
                    + name(to.dimension) + ").";
        }
        if (!Double.isFinite(value)) {
            return "The value must be a finite number.";
        }
        double result = to.fromBase(from.toBase(value));
        return format(value) + " " + name(from) + " = " + format(result) + " " + name(to);
    }

    /** Six significant digits, without trailing zeros or an exponent for everyday magnitudes. */
    static String format(double value) {
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
