package dev.llama3.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KernelsTest {
    record Run(String stdout, String stderr) {}

    /** Runs {@link KernelProbe} in a fresh JVM with the given options (the module flag decides the kernels). */
    private static Run probe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelProbe.class.getName());
        Path out = Files.createTempFile("probe", ".out");
        Path err = Files.createTempFile("probe", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
            Run run = new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertThat(p.exitValue()).as("probe exit code; stderr: %s", run.stderr()).isZero();
            return run;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelsRunAndAWarningSaysHowToEnableTheFastPath() throws Exception {
        Run run = probe();
        assertThat(run.stdout()).contains("vectorized=false", "dotOk=true");
        assertThat(run.stderr()).contains("WARN").contains("--add-modules jdk.incubator.vector");
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError");
    }

    @Test
    void withTheModuleTheVectorKernelsAreChosen() throws Exception {
        Run run = probe("--add-modules", "jdk.incubator.vector");
        assertThat(run.stdout()).contains("vectorized=true", "describe=Vector API", "dotOk=true");
    }

    @Test
    void aSystemPropertyForcesTheScalarKernels() throws Exception {
        Run run = probe("--add-modules", "jdk.incubator.vector", "-Dllama3.vector=false");
        assertThat(run.stdout()).contains("vectorized=false", "describe=scalar", "dotOk=true");
        assertThat(run.stderr()).contains("llama3.vector=false");
    }

    @Test
    void thisJvmReportsWhatItUses() {
        assertThat(Kernels.describe()).isNotBlank();
        boolean forcedOff = "false".equalsIgnoreCase(System.getProperty(Kernels.VECTOR_PROPERTY, ""));
        assertThat(Kernels.vectorized()).isEqualTo(Kernels.vectorModulePresent() && !forcedOff);
        if (Kernels.vectorized()) {
            assertThat(Kernels.describe()).matches("Vector API, \\d+-bit vectors \\(\\d+ float lanes\\)");
        }
    }
}
