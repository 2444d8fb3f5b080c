package dev.llama3.tornadovm;

import dev.llama3.backend.Availability;
import dev.llama3.backend.BackendRequest;
import dev.llama3.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * Asks the TornadoVM runtime for a driver and a device and checks the model against them: supported weight types,
 * device memory needed against available, the largest single allocation against the device's limit. Loaded only
 * once TornadoVM's classes are known to be present.
 */
final class TornadoRuntimeProbe {
    private TornadoRuntimeProbe() {}

    static Availability probe(BackendRequest request) {
        List<String> unsupported = new ArrayList<>();
        for (WeightMatrix m : DeviceLayout.matrices(request.model().weights())) {
            if (!DeviceMatrix.SUPPORTED.contains(m.type())) {
                unsupported.add(m.name() + " (" + m.type() + ")");
            }
        }
        if (!unsupported.isEmpty()) {
            return Availability.missing(Availability.Missing.MODEL, "the device kernels run " + DeviceMatrix.SUPPORTED
                    + " weights; this model has " + String.join(", ", unsupported.subList(0, Math.min(3,
                    unsupported.size()))) + (unsupported.size() > 3 ? " and " + (unsupported.size() - 3) + " more" : ""),
                    "use a Q8_0, Q4_0, F16 or F32 file of the model, or the cpu backend");
        }
        TornadoDevice device;
        try {
            TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
            if (runtime.getNumBackends() == 0) {
                return Availability.missing(Availability.Missing.DRIVER, "TornadoVM found no driver (OpenCL, PTX or "
                        + "SPIR-V)", "install the device's OpenCL ICD or CUDA driver and check with `tornado --devices`");
            }
            device = runtime.getDefaultDevice();
        } catch (RuntimeException | Error e) {
            return Availability.missing(Availability.Missing.DRIVER, "TornadoVM could not start a driver: " + e,
                    "check the device driver with `tornado --devices`");
        }
        if (device == null) {
            return Availability.missing(Availability.Missing.DEVICE, "TornadoVM's driver lists no device",
                    "check the device with `tornado --devices`");
        }
        DeviceLayout layout = DeviceLayout.of(request, TornadoVmBackend.slots(request));
        String name = device.getPhysicalDevice().getDeviceName();
        long global = device.getPhysicalDevice().getDeviceGlobalMemorySize();
        long maxAlloc = device.getMaxAllocMemory();
        if (layout.largestArrayBytes() > maxAlloc) {
            return Availability.missing(Availability.Missing.MEMORY, "the largest device array needs "
                    + (layout.largestArrayBytes() >> 20) + " MiB but " + name + " allocates at most " + (maxAlloc >> 20)
                    + " MiB at once", "use a shorter context length or fewer concurrent sessions");
        }
        return Availability.memory("device memory of " + name, layout.totalBytes(), global,
                name + " (" + device.getDeviceName() + "), " + (layout.totalBytes() >> 20) + " of " + (global >> 20)
                        + " MiB");
    }
}
