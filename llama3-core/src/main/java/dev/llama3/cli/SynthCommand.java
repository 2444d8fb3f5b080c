package dev.llama3.cli;

import dev.llama3.gguf.GgufFile;
import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code llama3 synth}: a model of a real Llama 3 shape with seeded random weights, for benchmarks and tests. */
final class SynthCommand {

    int run(List<String> argv, PrintStream out, PrintStream err) throws IOException {
        Args a = new Args(argv, Set.of());
        ModelShape shape = ModelShape.byId(a.required("shape"));
        SyntheticModel.WeightFormat format = SyntheticModel.WeightFormat.parse(a.required("type"));
        String vocab = a.string("vocab", null);
        Path outFile = a.path("out");
        long seed = a.longValue("seed", 1234);
        int threads = a.integer("t", ComputePool.defaultThreads());
        a.rejectUnknown();
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (ComputePool pool = new ComputePool(threads)) {
            if (vocab != null) {
                try (GgufFile vocabFile = GgufFile.open(Path.of(Args.expandHome(vocab)))) {
                    new SyntheticModel(shape, format, seed, vocabFile).write(outFile, pool);
                }
            } else {
                new SyntheticModel(shape, format, seed, null).write(outFile, pool);
            }
        }
        out.printf("wrote %s (%s, %s, %.1f MiB)%n", outFile, shape.id(), format, Files.size(outFile) / 1048576.0);
        return 0;
    }
}
