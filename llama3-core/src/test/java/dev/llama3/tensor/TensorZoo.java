package dev.llama3.tensor;

import dev.llama3.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The fixtures' quants/tensor-zoo.gguf (README section 4), mapped once for the whole test run. */
final class TensorZoo {
    private static TensorZoo instance;

    private final MiniGguf file;
    final List<String> types = new ArrayList<>();
    final int rows;
    final int cols;

    /** The zoo, or a skipped test when the fixtures are absent. */
    static synchronized TensorZoo load() throws IOException {
        if (instance == null) {
            instance = new TensorZoo(new MiniGguf(Fixtures.require("quants/tensor-zoo.gguf")));
        }
        return instance;
    }

    private TensorZoo(MiniGguf file) {
        this.file = file;
        for (Object o : (List<?>) file.meta.get("zoo.types")) {
            types.add((String) o);
        }
        rows = ((Long) file.meta.get("zoo.rows")).intValue();
        cols = ((Long) file.meta.get("zoo.cols")).intValue();
    }

    MiniGguf.Tensor tensor(String name) {
        return file.tensor(name);
    }

    float[] floats(String name) {
        return file.floats(name);
    }
}
