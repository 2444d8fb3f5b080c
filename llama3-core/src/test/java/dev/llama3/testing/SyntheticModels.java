package dev.llama3.testing;

import dev.llama3.model.ModelShape;
import dev.llama3.model.SyntheticModel;
import dev.llama3.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Path;

/** Writes the small synthetic models that tests without fixtures run on. */
public final class SyntheticModels {
    private SyntheticModels() {}

    /** A {@link ModelShape#TINY} model with seeded random weights in {@code format}, written to {@code file}. */
    public static Path tiny(Path file, SyntheticModel.WeightFormat format, long seed) throws IOException {
        try (ComputePool pool = new ComputePool(1)) {
            new SyntheticModel(ModelShape.TINY, format, seed, null).write(file, pool);
        }
        return file;
    }
}
