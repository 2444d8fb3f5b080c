package dev.llama3.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llama3.backend.Availability;
import dev.llama3.engine.LlamaEngine;
import dev.llama3.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code spring.ai.llama3.backend} with a backend provider present ({@link FakeTornadoVmBackendProvider}, registered
 * through {@code META-INF/services}): auto uses it when it can run and otherwise starts on the CPU saying why; a
 * backend asked for by name that cannot run fails startup with an analysis naming the missing piece.
 */
@ExtendWith(OutputCaptureExtension.class)
class Llama3BackendSelectionTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Llama3AutoConfiguration.class))
            .withPropertyValues("spring.ai.llama3.model.path=" + TestModels.tiny(), "spring.ai.llama3.threads=1",
                    "spring.ai.llama3.context-length=64");

    @AfterEach
    void restore() {
        FakeTornadoVmBackendProvider.availability = FakeTornadoVmBackendProvider.RUNTIME_MISSING;
    }

    private FailureAnalysis analyze(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new Llama3FailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).isNotNull();
        return analysis[0];
    }

    @Test
    void autoStartsOnTheCpuAndLogsWhyWhenTheOtherBackendCannotRun(CapturedOutput output) {
        this.runner.withPropertyValues("spring.ai.llama3.backend=auto").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LlamaEngine.class).backendName()).isEqualTo("cpu");
        });
        assertThat(output).contains("Backend auto: using the CPU").contains("tornadovm: TornadoVM is not on the JVM");
    }

    @Test
    void autoUsesTheOtherBackendWhenItCanRun() {
        FakeTornadoVmBackendProvider.availability = Availability.usable("fake device");
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LlamaEngine.class).backendName()).isEqualTo("tornadovm");
        });
    }

    @Test
    void cpuIsUsedWhenAskedForEvenIfAnotherBackendCouldRun() {
        FakeTornadoVmBackendProvider.availability = Availability.usable("fake device");
        this.runner.withPropertyValues("spring.ai.llama3.backend=cpu").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LlamaEngine.class).backendName()).isEqualTo("cpu");
        });
    }

    @Test
    void tornadoVmAskedForByNameStartsWhenItCanRun() {
        FakeTornadoVmBackendProvider.availability = Availability.usable("fake device");
        this.runner.withPropertyValues("spring.ai.llama3.backend=tornadovm").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LlamaEngine.class).backendName()).isEqualTo("tornadovm");
        });
    }

    @Test
    void tornadoVmWithoutItsRuntimeFailsStartupNamingTheArgfile() {
        FailureAnalysis a = analyze("spring.ai.llama3.backend=tornadovm");
        assertThat(a.getDescription()).contains("spring.ai.llama3.backend").contains("'tornadovm'")
                .contains("its runtime is missing").contains("TornadoVM is not on the JVM's command line");
        assertThat(a.getAction()).contains("tornado-argfile").contains("auto").contains("cpu");
    }

    @Test
    void tornadoVmWithTooLittleDeviceMemoryFailsStartupWithNeededAndAvailable() {
        FakeTornadoVmBackendProvider.availability = Availability.memory("device memory of Fake GPU", 900L << 20,
                512L << 20, "unused");
        FailureAnalysis a = analyze("spring.ai.llama3.backend=tornadovm");
        assertThat(a.getDescription()).contains("not enough device memory").contains("900 MiB")
                .contains("512 MiB").contains("Fake GPU");
        assertThat(a.getAction()).contains("shorter context");
    }

    @Test
    void tornadoVmWithoutADriverOrDeviceSaysSo() {
        FakeTornadoVmBackendProvider.availability = Availability.missing(Availability.Missing.DRIVER,
                "no OpenCL platform found", "install an OpenCL driver (ICD)");
        assertThat(analyze("spring.ai.llama3.backend=tornadovm").getDescription()).contains("no device driver loads")
                .contains("no OpenCL platform found");
        FakeTornadoVmBackendProvider.availability = Availability.missing(Availability.Missing.DEVICE,
                "the OpenCL platform lists no device", "check the device with tornado --devices");
        assertThat(analyze("spring.ai.llama3.backend=tornadovm").getAction()).contains("tornado --devices");
    }
}
