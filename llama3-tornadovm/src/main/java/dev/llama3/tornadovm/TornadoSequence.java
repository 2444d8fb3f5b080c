package dev.llama3.tornadovm;

import dev.llama3.backend.SequenceState;

/**
 * A sequence of the TornadoVM backend. A session's sequence takes a device KV slot at its first use and gives it back
 * at close; a snapshot ({@link #copyFrom} into a sequence that never runs) keeps its keys and values on the host, so
 * snapshots do not use up device slots.
 */
final class TornadoSequence implements SequenceState {
    private final TornadoVmBackend backend;
    private final int capacity;
    private int slot = -1;
    private int length;
    /** Host copy ({@code [layer][kvHead][capacity][headDim]}), for sequences that hold no slot. */
    private float[] hostKeys;
    private float[] hostValues;
    private volatile boolean closed;

    TornadoSequence(TornadoVmBackend backend, int capacity) {
        this.backend = backend;
        this.capacity = capacity;
    }

    static TornadoSequence of(SequenceState s, TornadoVmBackend backend) {
        if (s instanceof TornadoSequence t && t.backend == backend) {
            return t;
        }
        throw new IllegalArgumentException("the sequence " + s + " belongs to another backend");
    }

    /** The device slot, taken now if this sequence has none (its host copy, if any, is uploaded into it). */
    synchronized int slot() {
        if (slot < 0) {
            slot = backend.acquireSlot();
            if (hostKeys != null && length > 0) {
                backend.upload(slot, hostKeys, hostValues, length, capacity);
            }
            hostKeys = null;
            hostValues = null;
        }
        return slot;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the KV cache has been closed (its session was closed)");
        }
    }

    synchronized void advance(int n) {
        length += n;
    }

    @Override
    public synchronized int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public synchronized void truncate(int newLength) {
        ensureOpen();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate KV cache of length " + length + " to " + newLength);
        }
        length = newLength;
    }

    @Override
    public void copyFrom(SequenceState source, int positions) {
        TornadoSequence src = of(source, backend);
        ensureOpen();
        src.ensureOpen();
        if (positions < 0 || positions > src.length() || positions > capacity) {
            throw new IllegalArgumentException("cannot copy " + positions + " positions from a cache of length "
                    + src.length() + " into one of capacity " + capacity);
        }
        int floats = backend.slotFloatsFor(capacity);
        float[] keys = new float[floats];
        float[] values = new float[floats];
        synchronized (src) {
            if (src.slot >= 0) {
                backend.download(src.slot, keys, values, positions, capacity);
            } else if (src.hostKeys != null) {
                copyRows(src.hostKeys, src.capacity, keys, positions);
                copyRows(src.hostValues, src.capacity, values, positions);
            }
        }
        synchronized (this) {
            if (slot >= 0) {
                backend.upload(slot, keys, values, positions, capacity);
            } else {
                hostKeys = keys;
                hostValues = values;
            }
            length = positions;
        }
    }

    /** From a host copy of {@code srcCapacity} rows per head into one of this capacity. */
    private void copyRows(float[] src, int srcCapacity, float[] dst, int positions) {
        int headDim = backend.headDim();
        for (int h = 0; h < backend.cacheHeads(); h++) {
            System.arraycopy(src, h * srcCapacity * headDim, dst, h * capacity * headDim, positions * headDim);
        }
    }

    @Override
    public long bytes() {
        return closed ? 0 : backend.sequenceBytes(capacity);
    }

    @Override
    public void close() {
        int release;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            release = slot;
            slot = -1;
            hostKeys = null;
            hostValues = null;
        }
        if (release >= 0) {
            backend.releaseSlot(release);
        }
    }

    @Override
    public String toString() {
        return "TornadoSequence[" + length + "/" + capacity + (slot >= 0 ? ", slot " + slot : ", host") + "]";
    }
}
