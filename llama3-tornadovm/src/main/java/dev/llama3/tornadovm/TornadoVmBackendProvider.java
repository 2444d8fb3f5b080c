package dev.llama3.tornadovm;

import dev.llama3.backend.Availability;
import dev.llama3.backend.Backend;
import dev.llama3.backend.BackendProvider;
import dev.llama3.backend.BackendRequest;
import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.model.KvCacheType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tornadovm} backend provider. This class touches no TornadoVM class: it must load (for
 * {@link java.util.ServiceLoader}) in a JVM without TornadoVM, where {@link #probe} reports the runtime missing.
 */
public final class TornadoVmBackendProvider implements BackendProvider {
    private static final Logger log = LoggerFactory.getLogger(TornadoVmBackendProvider.class);
    static final String NAME = "tornadovm";
    static final String ARGFILE_FIX = "start the JVM with TornadoVM's argfile: java @$TORNADOVM_HOME/tornado-argfile "
            + "... (see docs/gpu-tornadovm.md)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe(BackendRequest request) {
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan", false,
                    TornadoVmBackendProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.missing(Availability.Missing.RUNTIME, "TornadoVM's API (tornado-api) is not on the "
                    + "class or module path", ARGFILE_FIX);
        }
        if (System.getProperty("tornado.load.runtime.implementation") == null) {
            return Availability.missing(Availability.Missing.RUNTIME, "the JVM was not started with TornadoVM's "
                    + "runtime (no tornado-argfile on the command line)", ARGFILE_FIX);
        }
        return TornadoRuntimeProbe.probe(request);
    }

    @Override
    public Backend open(BackendRequest request) {
        Availability a = probe(request);
        if (!a.usable()) {
            throw new BackendUnavailableException(NAME, a);
        }
        if (request.kvCacheType() != KvCacheType.F32) {
            // the device kernels read and write float32 keys and values only (the memory check counts them so)
            log.warn("The TornadoVM backend keeps its KV cache in F32: the requested {} KV cache does not apply on "
                    + "the device", request.kvCacheType());
        }
        try {
            return new TornadoVmBackend(request);
        } catch (java.nio.BufferOverflowException e) {
            // TornadoVM 5.2.1 records a task graph's launch code in a fixed 8 KiB array (TornadoTaskGraph): a forward
            // pass of many layers as one graph does not fit. Refused as an unsupported model, so auto uses the CPU.
            throw new BackendUnavailableException(NAME, Availability.missing(Availability.Missing.MODEL,
                    "the model's " + request.model().config().blockCount() + " layers make a TornadoVM task graph "
                            + "larger than TornadoVM 5.2.1's fixed 8 KiB launch-code buffer",
                    "use the cpu backend for this model (see docs/gpu-tornadovm.md, \"Limits\")"));
        }
    }
}
