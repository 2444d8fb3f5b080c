package dev.llama3.tornadovm;

import dev.llama3.backend.Availability;
import dev.llama3.backend.Backend;
import dev.llama3.backend.BackendRequest;
import dev.llama3.backend.BackendUnavailableException;
import dev.llama3.backend.SequenceState;
import dev.llama3.model.LlamaConfig;
import dev.llama3.model.LlamaModel;
import dev.llama3.model.LlamaWeights;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The forward pass on a TornadoVM device. Weights are uploaded once (still quantized, {@link DeviceMatrix}); every
 * sequence's keys and values live in one of {@code slots} device-resident slots; activations stay on the device. Per
 * pass the host sends the batch's embedding rows and a small {@code meta} array (entries, positions, slots) and reads
 * back only the logits rows it needs.
 *
 * <p>Graphs 0 .. {@code forwardGraphs - 1} are the forward pass, a few layers each (the last one adds the logits),
 * built once for the batch capacity: every kernel reads the real batch size from {@code meta}. The two graphs after
 * them copy one slot to and from a staging array; snapshots ({@link SequenceState#copyFrom}) go through the host that
 * way, so any number of them can exist while device slots stay few. One lock serializes all executions of the plan.
 */
final class TornadoVmBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(TornadoVmBackend.class);

    /** System property: device KV slots (sessions with a context at once); default: the engine's batch sequences. */
    static final String SLOTS_PROPERTY = "llama3.tornadovm.slots";
    private static final String BYTECODE_SIZE_PROPERTY = "tornado.tvm.maxbytecodesize";
    /** System property: transformer layers per TornadoVM task graph of the forward pass (default 2). */
    static final String LAYERS_PER_GRAPH_PROPERTY = "llama3.tornadovm.layersPerGraph";

    private final LlamaModel model;
    private final LlamaConfig c;
    private final int capacity;
    private final int context;
    private final int logitRows;
    private final int slotCount;
    private final int slotFloats;
    private final String description;

    private final FloatArray x;
    private final IntArray meta;
    private final FloatArray logits;
    private final FloatArray keyCache;
    private final FloatArray valueCache;
    private final FloatArray stagingKeys;
    private final FloatArray stagingValues;
    private final IntArray copyMeta;
    private final TornadoExecutionPlan plan;
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private final float[] row;
    private TornadoExecutionResult lastForward;
    /** Graphs 0 .. forwardGraphs-1 are the forward pass; then the snapshot save and restore graphs. */
    private final int forwardGraphs;
    /** Whether the first graph looks the tokens' embeddings up on the device (only ids go in). */
    private final boolean embedOnDevice;
    private boolean closed;

    static int slots(BackendRequest r) {
        return Integer.getInteger(SLOTS_PROPERTY, Math.max(1, r.maxSequences()));
    }

    TornadoVmBackend(BackendRequest request) {
        this.model = request.model();
        this.c = model.config();
        this.capacity = request.batchCapacity();
        this.context = request.contextLength();
        this.logitRows = request.maxSequences();
        this.slotCount = slots(request);
        long sf = DeviceLayout.slotFloats(c, context);
        if (sf * slotCount > Integer.MAX_VALUE) {
            throw new BackendUnavailableException(TornadoVmBackendProvider.NAME, Availability.missing(
                    Availability.Missing.MEMORY, slotCount + " KV slots of " + context + " positions exceed one device "
                            + "array", "use a shorter context or fewer slots (-D" + SLOTS_PROPERTY + ")"));
        }
        this.slotFloats = (int) sf;
        int dim = c.embeddingLength();
        int kvDim = c.kvDim();
        int ff = c.feedForwardLength();
        int pairs = model.ropePairs();
        long start = System.nanoTime();
        // TornadoVM's bytecode buffer defaults to 4 KiB, too small for a graph of ~17 tasks per layer: size it for this
        // model unless the user did (read once, when TornadoVM first compiles a graph)
        if (System.getProperty(BYTECODE_SIZE_PROPERTY) == null) {
            System.setProperty(BYTECODE_SIZE_PROPERTY, Integer.toString(Math.max(4096, 1024 * (20 * c.blockCount() + 16))));
        }

        x = new FloatArray(capacity * dim);
        FloatArray xb = new FloatArray(capacity * dim);
        FloatArray xb2 = new FloatArray(capacity * dim);
        FloatArray q = new FloatArray(capacity * dim);
        FloatArray k = new FloatArray(capacity * kvDim);
        FloatArray v = new FloatArray(capacity * kvDim);
        FloatArray hb = new FloatArray(capacity * ff);
        FloatArray hb2 = new FloatArray(capacity * ff);
        meta = new IntArray(DeviceKernels.Meta.length(capacity));
        logits = new FloatArray(logitRows * c.vocabSize());
        keyCache = new FloatArray(slotCount * slotFloats);
        valueCache = new FloatArray(slotCount * slotFloats);
        stagingKeys = new FloatArray(slotFloats);
        stagingValues = new FloatArray(slotFloats);
        copyMeta = new IntArray(2);
        row = new float[dim];
        FloatArray cos = new FloatArray(context * pairs);
        FloatArray sin = new FloatArray(context * pairs);
        float[] cs = new float[pairs];
        float[] sn = new float[pairs];
        for (int p = 0; p < context; p++) {
            model.ropeAngles(p, cs, sn, 0);
            for (int i = 0; i < pairs; i++) {
                cos.set(p * pairs + i, cs[i]);
                sin.set(p * pairs + i, sn[i]);
            }
        }
        FloatArray pow2 = DeviceKernels.pow2Table();
        KernelContext kc = new KernelContext();
        GridScheduler grid = new GridScheduler();

        // The forward pass is a chain of graphs of LAYERS_PER_GRAPH layers each (the last one also computes the
        // logits): TornadoVM 5.2.1 keeps a graph's launch code in a fixed 8 KiB array, which a whole deep model
        // overflows. Every graph after the first takes the activations, KV caches and tables from the one before it
        // on the device (consumeFromDevice), so only the first one moves x and meta in.
        LlamaWeights w = model.weights();
        int heads = c.headCount();
        int kvHeads = c.headCountKv();
        int headDim = c.headDim();
        float eps = c.rmsEps();
        List<LlamaWeights.Layer> layers = w.layers();
        int perGraph = Math.max(1, Integer.getInteger(LAYERS_PER_GRAPH_PROPERTY, 2));
        this.forwardGraphs = Math.max(1, (layers.size() + perGraph - 1) / perGraph);
        // The first graph looks the batch's token rows up on the device, so only token ids go in: in the output matrix
        // when the embeddings are tied (it is uploaded for the logits anyway), else in the embedding matrix, uploaded
        // for this. Only an embedding type without a device kernel leaves the lookup to the host, which sends rows.
        DeviceMatrix outputMatrix = DeviceMatrix.of(w.output());
        this.embedOnDevice = DeviceLayout.embeddingOnDevice(w);
        boolean tied = w.tiedEmbeddings();
        DeviceMatrix embedMatrix = !embedOnDevice ? null : tied ? outputMatrix : DeviceMatrix.of(w.tokenEmbedding());
        List<Object> shared = new ArrayList<>(List.of(x, meta, xb, xb2, q, k, v, hb, hb2, keyCache, valueCache, cos,
                sin, pow2));
        if (embedOnDevice && tied) {
            shared.addAll(List.of(outputMatrix.arrays()));
        }
        Object[] onDevice = shared.toArray();
        int tokenBase = DeviceKernels.Meta.tokens(capacity);
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        Tasks t = null;
        String previous = null;
        for (int gi = 0; gi < forwardGraphs; gi++) {
            String g = "forward" + gi;
            TaskGraph forward = new TaskGraph(g);
            if (previous == null) {
                forward.transferToDevice(DataTransferMode.FIRST_EXECUTION, cos, sin, pow2, keyCache, valueCache);
                if (embedOnDevice) {
                    forward.transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                            .transferToDevice(DataTransferMode.FIRST_EXECUTION, embedMatrix.arrays())
                            .transferToDevice(DataTransferMode.EVERY_EXECUTION, meta);
                } else {
                    forward.transferToDevice(DataTransferMode.EVERY_EXECUTION, x, meta);
                }
            } else {
                forward.consumeFromDevice(previous, onDevice);
            }
            t = t == null ? new Tasks(forward, grid, g, kc, meta, pow2) : t.on(forward, g);
            if (previous == null && embedOnDevice) {
                t.embed("embed", embedMatrix, x, tokenBase, capacity, dim, !tied);
            }
            for (int l = gi * perGraph; l < Math.min(layers.size(), (gi + 1) * perGraph); l++) {
                LlamaWeights.Layer layer = layers.get(l);
                String p = "l" + l + "_";
                FloatArray attnNorm = t.upload(FloatArray.fromArray(layer.attentionNorm()));
                FloatArray ffnNorm = t.upload(FloatArray.fromArray(layer.ffnNorm()));
                t.rmsNorm(p + "attnNorm", x, attnNorm, xb, capacity, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO,
                        dim, eps);
                t.matmul(p + "wq", DeviceMatrix.of(layer.wq()), xb, q, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO);
                t.matmul(p + "wk", DeviceMatrix.of(layer.wk()), xb, k, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO);
                t.matmul(p + "wv", DeviceMatrix.of(layer.wv()), xb, v, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO);
                forward.task(p + "ropeQ", DeviceKernels::rope, kc, q, cos, sin, meta, heads, headDim, pairs);
                t.grid(p + "ropeQ", capacity * heads * pairs, 1);
                forward.task(p + "ropeK", DeviceKernels::rope, kc, k, cos, sin, meta, kvHeads, headDim, pairs);
                t.grid(p + "ropeK", capacity * kvHeads * pairs, 1);
                forward.task(p + "storeKv", DeviceKernels::storeKv, kc, k, v, keyCache, valueCache, meta, l, kvHeads,
                        headDim, context, slotFloats);
                t.grid(p + "storeKv", capacity * kvDim, 1);
                forward.task(p + "attention", DeviceKernels::attention, kc, q, keyCache, valueCache, xb2, meta, l,
                        heads, kvHeads, headDim, context, slotFloats);
                t.grid(p + "attention", capacity * heads * headDim, headDim);
                t.matmul(p + "wo", DeviceMatrix.of(layer.wo()), xb2, xb, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO);
                forward.task(p + "addAttn", DeviceKernels::add, kc, x, xb, meta, dim);
                t.grid(p + "addAttn", capacity * dim, 1);
                t.rmsNorm(p + "ffnNorm", x, ffnNorm, xb, capacity, DeviceKernels.Meta.N, DeviceKernels.Meta.ZERO, dim,
                        eps);
                t.matmul(p + "gate", DeviceMatrix.of(layer.ffnGate()), xb, hb, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO);
                t.matmul(p + "up", DeviceMatrix.of(layer.ffnUp()), xb, hb2, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO);
                forward.task(p + "swiglu", DeviceKernels::swiglu, kc, hb, hb2, meta, ff);
                t.grid(p + "swiglu", capacity * ff, 1);
                t.matmul(p + "down", DeviceMatrix.of(layer.ffnDown()), hb, xb, DeviceKernels.Meta.N,
                        DeviceKernels.Meta.ZERO);
                forward.task(p + "addFfn", DeviceKernels::add, kc, x, xb, meta, dim);
                t.grid(p + "addFfn", capacity * dim, 1);
            }
            if (gi == forwardGraphs - 1) {
                FloatArray outNorm = t.upload(FloatArray.fromArray(w.outputNorm()));
                t.rmsNorm("outNorm", x, outNorm, xb, capacity, DeviceKernels.Meta.LOGITS_COUNT,
                        DeviceKernels.Meta.LOGITS_FIRST, dim, eps);
                t.matmul("output", outputMatrix, xb, logits, DeviceKernels.Meta.LOGITS_COUNT, DeviceKernels.Meta.ZERO,
                        !(embedOnDevice && tied));
                forward.transferToHost(DataTransferMode.UNDER_DEMAND, logits);
            }
            forward.persistOnDevice(onDevice);
            graphs.add(forward.snapshot());
            previous = g;
        }
        String g = previous;

        // slot -> staging (snapshots) and staging -> slot (restores), on the caches graph 0 keeps on the device
        TaskGraph save = new TaskGraph("save").consumeFromDevice(g, keyCache, valueCache)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, copyMeta)
                .task("copy", TornadoVmBackend::slotToStaging, kc, keyCache, valueCache, stagingKeys, stagingValues,
                        copyMeta, slotFloats)
                .persistOnDevice(keyCache, valueCache)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, stagingKeys, stagingValues);
        grid.addWorkerGrid("save.copy", worker(slotFloats, 1));
        TaskGraph restore = new TaskGraph("restore").consumeFromDevice(g, keyCache, valueCache)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, copyMeta, stagingKeys, stagingValues)
                .task("copy", TornadoVmBackend::stagingToSlot, kc, keyCache, valueCache, stagingKeys, stagingValues,
                        copyMeta, slotFloats)
                .persistOnDevice(keyCache, valueCache);
        grid.addWorkerGrid("restore.copy", worker(slotFloats, 1));

        graphs.add(save.snapshot());
        graphs.add(restore.snapshot());
        this.plan = new TornadoExecutionPlan(graphs.toArray(ImmutableTaskGraph[]::new)).withGridScheduler(grid);
        for (int s = 0; s < slotCount; s++) {
            freeSlots.add(s);
        }
        String device = plan.getDevice(0).getPhysicalDevice().getDeviceName();
        this.description = "tornadovm on " + device + " (" + plan.getDevice(0).getDeviceName() + "), " + slotCount
                + " KV slots, " + forwardGraphs + " forward graph" + (forwardGraphs == 1 ? "" : "s")
                + (embedOnDevice ? ", embeddings looked up on the device" : ", embeddings looked up on the host");
        log.info("TornadoVM backend: {} weights uploaded as {} for {}, built in {} ms", t.uploaded(), t.types(),
                device, (System.nanoTime() - start) / 1_000_000);
    }

    private static WorkerGrid1D worker(int global, int local) {
        WorkerGrid1D w = new WorkerGrid1D(global);
        w.setLocalWork(local, 1, 1);
        return w;
    }

    /** Copies the first {@code meta[1]} positions' rows of slot {@code meta[0]} into staging (whole slot layout). */
    static void slotToStaging(KernelContext kc, FloatArray keys, FloatArray values, FloatArray sk, FloatArray sv,
            IntArray meta, int slotFloats) {
        int i = kc.globalIdx;
        int base = meta.get(0) * slotFloats;
        sk.set(i, keys.get(base + i));
        sv.set(i, values.get(base + i));
    }

    /** Copies staging into slot {@code meta[0]}. */
    static void stagingToSlot(KernelContext kc, FloatArray keys, FloatArray values, FloatArray sk, FloatArray sv,
            IntArray meta, int slotFloats) {
        int i = kc.globalIdx;
        int base = meta.get(0) * slotFloats;
        keys.set(base + i, sk.get(i));
        values.set(base + i, sv.get(i));
    }

    @Override
    public String name() {
        return TornadoVmBackendProvider.NAME;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int batchCapacity() {
        return capacity;
    }

    @Override
    public SequenceState newSequence(int capacity) {
        if (capacity > context) {
            throw new IllegalArgumentException("a sequence of " + capacity + " positions exceeds the device slots' "
                    + context);
        }
        return new TornadoSequence(this, capacity);
    }

    @Override
    public long sequenceBytes(int capacity) {
        return 2L * 4 * c.blockCount() * c.kvDim() * capacity;
    }

    synchronized int acquireSlot() {
        Integer s = freeSlots.pollFirst();
        if (s == null) {
            throw new IllegalStateException("all " + slotCount + " device KV slots are in use; raise -D" + SLOTS_PROPERTY
                    + " (device memory permitting) or close sessions");
        }
        return s;
    }

    synchronized void releaseSlot(int slot) {
        freeSlots.addLast(slot);
    }

    @Override
    public void prefill(SequenceState sequence, int[] tokens, int from, int count, float[] out, int logitsOffset,
            boolean allPositions) {
        TornadoSequence s = TornadoSequence.of(sequence, this);
        check(s, count);
        int vocab = c.vocabSize();
        int done = 0;
        // all positions' logits: in pieces of at most logitRows, the rows the logits buffer holds
        int piece = allPositions && out != null ? Math.min(logitRows, capacity) : count;
        while (done < count) {
            int n = Math.min(piece, count - done);
            boolean last = done + n == count;
            SequenceState[] seqs = new SequenceState[n];
            int[] ids = new int[n];
            for (int b = 0; b < n; b++) {
                seqs[b] = s;
                ids[b] = tokens[from + done + b];
            }
            int wanted = out == null ? 0 : allPositions ? n : last ? 1 : 0;
            int firstWanted = allPositions ? 0 : n - 1;
            run(seqs, ids, n, true, firstWanted, wanted, out, allPositions ? logitsOffset + done * vocab : 0);
            done += n;
        }
    }

    @Override
    public void decode(SequenceState[] sequences, int[] tokens, int n, float[] out) {
        if (n > logitRows) {
            throw new IllegalArgumentException("batch of " + n + " sequences; the logits buffer holds " + logitRows);
        }
        TornadoSequence[] seqs = new TornadoSequence[n];
        for (int b = 0; b < n; b++) {
            seqs[b] = TornadoSequence.of(sequences[b], this);
            check(seqs[b], 1);
            for (int o = 0; o < b; o++) {
                if (seqs[o] == seqs[b]) {
                    throw new IllegalArgumentException("a sequence appears twice in one batch");
                }
            }
        }
        run(seqs, tokens, n, false, 0, n, out, 0);
    }

    private void check(TornadoSequence s, int count) {
        s.ensureOpen();
        if (s.length() + count > s.capacity()) {
            throw new dev.llama3.model.ContextOverflowException(s.length() + count, s.capacity());
        }
    }

    /**
     * One pass over {@code n} entries; entry {@code b} appends {@code ids[b]} to {@code seqs[b]} (of one sequence
     * when {@code oneSequence}, at consecutive positions). Logits of entries {@code firstWanted ..} ({@code wanted})
     * go to {@code out} from {@code outOffset}.
     */
    private void run(SequenceState[] seqs, int[] ids, int n, boolean oneSequence, int firstWanted, int wanted,
            float[] out, int outOffset) {
        int dim = c.embeddingLength();
        int vocab = c.vocabSize();
        for (int b = 0; b < n; b++) {
            if (ids[b] < 0 || ids[b] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[b] + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        // slots first, outside the plan's lock: taking one may upload a host copy (lock order: sequence, then plan)
        int[] slots = new int[n];
        for (int b = 0; b < n; b++) {
            slots[b] = ((TornadoSequence) seqs[b]).slot();
        }
        synchronized (plan) {
            if (closed) {
                throw new IllegalStateException("the TornadoVM backend is closed");
            }
            meta.set(DeviceKernels.Meta.N, n);
            meta.set(DeviceKernels.Meta.ZERO, 0);
            meta.set(DeviceKernels.Meta.LOGITS_FIRST, firstWanted);
            meta.set(DeviceKernels.Meta.LOGITS_COUNT, wanted);
            for (int b = 0; b < n; b++) {
                TornadoSequence s = (TornadoSequence) seqs[b];
                int base = oneSequence ? s.length() + b : s.length();
                meta.set(DeviceKernels.Meta.ENTRIES + 2 * b, base);
                meta.set(DeviceKernels.Meta.ENTRIES + 2 * b + 1, slots[b]);
                if (embedOnDevice) {
                    meta.set(DeviceKernels.Meta.tokens(capacity) + b, ids[b]);
                } else {
                    // an embedding type without a device kernel: its rows are looked up here
                    model.weights().tokenEmbedding().dequantizeRow(ids[b], row, 0);
                    for (int i = 0; i < dim; i++) {
                        x.set(b * dim + i, row[i]);
                    }
                }
            }
            for (int gi = 0; gi < forwardGraphs; gi++) {
                lastForward = plan.withGraph(gi).execute();
            }
            if (wanted > 0) {
                lastForward.transferToHost(new DataRange(logits).withSize((long) wanted * vocab));
                for (int r = 0; r < wanted; r++) {
                    for (int i = 0; i < vocab; i++) {
                        out[outOffset + r * vocab + i] = logits.get(r * vocab + i);
                    }
                }
            }
        }
        if (oneSequence) {
            ((TornadoSequence) seqs[0]).advance(n);
        } else {
            for (int b = 0; b < n; b++) {
                ((TornadoSequence) seqs[b]).advance(1);
            }
        }
    }

    /** Downloads slot {@code slot} into the staging arrays (host side afterwards). */
    void download(int slot, float[] keys, float[] values, int positions, int capacity) {
        synchronized (plan) {
            copyMeta.set(0, slot);
            copyMeta.set(1, positions);
            plan.withGraph(forwardGraphs).execute();
            layoutCopy(stagingKeys, keys, positions, context, capacity, true);
            layoutCopy(stagingValues, values, positions, context, capacity, true);
        }
    }

    /** Uploads host rows into slot {@code slot}. */
    void upload(int slot, float[] keys, float[] values, int positions, int capacity) {
        synchronized (plan) {
            copyMeta.set(0, slot);
            copyMeta.set(1, positions);
            layoutCopy(stagingKeys, keys, positions, context, capacity, false);
            layoutCopy(stagingValues, values, positions, context, capacity, false);
            plan.withGraph(forwardGraphs + 1).execute();
        }
    }

    /** Between the staging layout ({@code context} rows per head) and a host copy ({@code capacity} rows per head). */
    private void layoutCopy(FloatArray staging, float[] host, int positions, int stagingRows, int hostRows,
            boolean toHost) {
        int headDim = c.headDim();
        int heads = c.blockCount() * c.headCountKv();
        for (int h = 0; h < heads; h++) {
            for (int p = 0; p < positions; p++) {
                int s = (h * stagingRows + p) * headDim;
                int d = (h * hostRows + p) * headDim;
                for (int i = 0; i < headDim; i++) {
                    if (toHost) {
                        host[d + i] = staging.get(s + i);
                    } else {
                        staging.set(s + i, host[d + i]);
                    }
                }
            }
        }
    }

    int headDim() {
        return c.headDim();
    }

    /** Heads of all layers: the KV rows of one position. */
    int cacheHeads() {
        return c.blockCount() * c.headCountKv();
    }

    int slotFloatsFor(int capacity) {
        return c.blockCount() * c.headCountKv() * capacity * c.headDim();
    }

    @Override
    public void close() {
        synchronized (plan) {
            if (!closed) {
                closed = true;
                try {
                    plan.freeDeviceMemory();
                    plan.close();
                } catch (Exception e) {
                    log.warn("Releasing the TornadoVM execution plan failed", e);
                }
            }
        }
    }

    /** Adds tasks to the forward graph with their work-group sizes. */
    private static final class Tasks {
        private TaskGraph g;
        private final GridScheduler grid;
        private String graph;
        private final KernelContext kc;
        private final IntArray meta;
        private final FloatArray pow2;
        private final java.util.Map<String, Integer> types = new java.util.TreeMap<>();
        private long bytes;

        Tasks(TaskGraph g, GridScheduler grid, String graph, KernelContext kc, IntArray meta, FloatArray pow2) {
            this.g = g;
            this.grid = grid;
            this.graph = graph;
            this.kc = kc;
            this.meta = meta;
            this.pow2 = pow2;
        }

        /** Adds the next tasks to another graph (the byte and type tallies go on). */
        Tasks on(TaskGraph next, String name) {
            this.g = next;
            this.graph = name;
            return this;
        }

        FloatArray upload(FloatArray a) {
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, a);
            bytes += 4L * a.getSize();
            return a;
        }

        void grid(String task, int global, int local) {
            grid.addWorkerGrid(graph + "." + task, worker(global, local));
        }

        void rmsNorm(String id, FloatArray in, FloatArray weight, FloatArray out, int groups, int nIdx, int firstIdx,
                int dim, float eps) {
            g.task(id, DeviceKernels::rmsNorm, kc, in, weight, out, meta, nIdx, firstIdx, dim, eps);
            grid(id, groups * DeviceKernels.GROUP, DeviceKernels.GROUP);
        }

        void matmul(String id, DeviceMatrix m, FloatArray in, FloatArray out, int nIdx, int firstIdx) {
            matmul(id, m, in, out, nIdx, firstIdx, true);
        }

        /**
         * An embedding lookup of the entries' tokens into {@code x} (the graph uploads the matrix); {@code ownMatrix}:
         * it is the embedding matrix itself rather than the output matrix that the logits also use.
         */
        void embed(String id, DeviceMatrix m, FloatArray x, int tokenBase, int capacity, int dim, boolean ownMatrix) {
            if (ownMatrix) {
                bytes += DeviceMatrix.deviceBytes(m.type, m.rows, m.cols);
                types.merge(m.type.toString(), 1, Integer::sum);
            }
            switch (m.type) {
                case Q8_0 -> g.task(id, DeviceKernels::embedQ8, kc, m.quants, m.floats, x, meta, tokenBase, dim);
                case Q4_0 -> g.task(id, DeviceKernels::embedQ4, kc, m.quants, m.floats, x, meta, tokenBase, dim);
                case Q4_K -> g.task(id, DeviceKernels::embedQ4K, kc, m.quants, m.floats, m.mins, x, meta, tokenBase,
                        dim);
                case Q6_K -> g.task(id, DeviceKernels::embedQ6K, kc, m.quants, m.floats, x, meta, tokenBase, dim);
                case F16 -> g.task(id, DeviceKernels::embedF16, kc, m.halves, pow2, x, meta, tokenBase, dim);
                case F32 -> g.task(id, DeviceKernels::embedF32, kc, m.floats, x, meta, tokenBase, dim);
                default -> throw new IllegalArgumentException("no device kernel for " + m.type);
            }
            grid(id, capacity * dim, 1);
        }

        /** {@code upload}: whether this graph transfers the matrix (false when an earlier graph already did). */
        void matmul(String id, DeviceMatrix m, FloatArray in, FloatArray out, int nIdx, int firstIdx,
                boolean upload) {
            if (upload) {
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, m.arrays());
            }
            bytes += DeviceMatrix.deviceBytes(m.type, m.rows, m.cols);
            types.merge(m.type.toString(), 1, Integer::sum);
            switch (m.type) {
                case Q8_0 -> g.task(id, DeviceKernels::matmulQ8, kc, m.quants, m.floats, in, out, meta, nIdx, firstIdx,
                        m.rows, m.cols);
                case Q4_0 -> g.task(id, DeviceKernels::matmulQ4, kc, m.quants, m.floats, in, out, meta, nIdx, firstIdx,
                        m.rows, m.cols);
                case F16 -> g.task(id, DeviceKernels::matmulF16, kc, m.halves, pow2, in, out, meta, nIdx, firstIdx,
                        m.rows, m.cols);
                case Q4_K -> g.task(id, DeviceKernels::matmulQ4K, kc, m.quants, m.floats, m.mins, in, out, meta, nIdx,
                        firstIdx, m.rows, m.cols);
                case Q6_K -> g.task(id, DeviceKernels::matmulQ6K, kc, m.quants, m.floats, in, out, meta, nIdx,
                        firstIdx, m.rows, m.cols);
                case F32 -> g.task(id, DeviceKernels::matmulF32, kc, m.floats, in, out, meta, nIdx, firstIdx, m.rows,
                        m.cols);
                default -> throw new IllegalArgumentException("no device kernel for " + m.type);
            }
            grid(id, m.rows * DeviceKernels.GROUP, DeviceKernels.GROUP);
        }

        String uploaded() {
            return (bytes >> 20) + " MiB of";
        }

        String types() {
            return types.toString();
        }
    }
}
