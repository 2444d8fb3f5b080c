package dev.llama3.samples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.samples.tools.UnitTools.Unit;
import org.junit.jupiter.api.Test;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;

class UnitToolsTest {

    private final UnitTools tools = new UnitTools();

    @Test
    void convertsWithinADimension() {
        assertThat(this.tools.convertUnits(1, Unit.MILE, Unit.KILOMETRE)).isEqualTo("1 mile = 1.60934 kilometre");
        assertThat(this.tools.convertUnits(2.5, Unit.KILOGRAM, Unit.POUND)).isEqualTo("2.5 kilogram = 5.51156 pound");
        assertThat(this.tools.convertUnits(1, Unit.US_GALLON, Unit.LITRE)).isEqualTo("1 us gallon = 3.78541 litre");
        assertThat(this.tools.convertUnits(250, Unit.MILLILITRE, Unit.US_CUP))
                .isEqualTo("250 millilitre = 1.05669 us cup");
    }

    @Test
    void convertsTemperaturesByFormula() {
        assertThat(this.tools.convertUnits(100, Unit.CELSIUS, Unit.FAHRENHEIT)).isEqualTo("100 celsius = 212 fahrenheit");
        assertThat(this.tools.convertUnits(-40, Unit.FAHRENHEIT, Unit.CELSIUS)).isEqualTo("-40 fahrenheit = -40 celsius");
        assertThat(this.tools.convertUnits(0, Unit.KELVIN, Unit.CELSIUS)).isEqualTo("0 kelvin = -273.15 celsius");
    }

    @Test
    void refusesAcrossDimensionsWithAnAnswer() {
        assertThat(this.tools.convertUnits(3, Unit.KILOGRAM, Unit.MILE))
                .isEqualTo("Cannot convert kilogram (mass) to mile (length).");
    }

    @Test
    void theSchemaListsTheUnits() {
        ToolCallback callback = ToolCallbacks.from(this.tools)[0];
        assertThat(callback.getToolDefinition().name()).isEqualTo("convertUnits");
        assertThat(callback.getToolDefinition().inputSchema()).contains("\"enum\"").contains("\"US_GALLON\"");
        assertThat(callback.call("{\"value\": 12, \"from\": \"INCH\", \"to\": \"CENTIMETRE\"}"))
                .isEqualTo("12 inch = 30.48 centimetre");
    }
}
