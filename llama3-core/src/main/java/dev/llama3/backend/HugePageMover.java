package dev.llama3.backend;

import dev.llama3.gguf.GgufFile;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the model file's tensor data onto transparent huge pages ({@link GgufFile#moveToHugePages}) on a background
 * thread, once, started after the first forward pass: not during load, where the copy (0.2 to over 1 s for a 1.3 GB
 * file on a 2-core VM, longer when the kernel must compact memory for huge pages) would delay the first token.
 * Until and unless it finishes, the weights are read from the file's pages, which hold the same bytes.
 */
final class HugePageMover {
    private static final Logger log = LoggerFactory.getLogger(HugePageMover.class);
    /** Progress is logged (debug) every this many bytes. */
    private static final long PROGRESS_STEP = 256L << 20;

    private final GgufFile gguf;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long moved;

    HugePageMover(GgufFile gguf) {
        this.gguf = gguf;
    }

    /** Starts the move unless it has been started before; returns at once. */
    void startOnce() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        String unavailable = GgufFile.hugePagesUnavailable();
        if (unavailable != null) {
            log.info("Weights stay on the mapped file's pages: {}", unavailable);
            finished.countDown();
            return;
        }
        try {
            Thread.ofPlatform().daemon().name("llama3-huge-pages").start(this::run);
        } catch (RuntimeException | OutOfMemoryError e) {
            log.warn("Weights stay on the mapped file's pages: the thread to move them did not start: {}", e.toString());
            finished.countDown();
        }
    }

    private void run() {
        long start = System.nanoTime();
        long[] nextReport = {PROGRESS_STEP};
        try {
            long bytes = gguf.moveToHugePages(done -> {
                moved = done;
                if (done >= nextReport[0]) {
                    log.debug("Moved {} MiB of weights onto huge pages", done >> 20);
                    nextReport[0] += PROGRESS_STEP;
                }
            });
            log.info("Moved {} MiB of weights onto huge pages in {} ms", bytes >> 20,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException | Error e) {
            // whatever happens here, the forward passes go on from the file's pages: say so rather than die on stderr
            // (an InternalError is what a file truncated under the mapping gives, a SIGBUS turned into one)
            log.warn("Weights stay on the mapped file's pages after {} MiB moved onto huge pages: {}", moved >> 20,
                    e.toString());
        } finally {
            finished.countDown();
        }
    }

    /** Bytes on huge pages so far. */
    long moved() {
        return moved;
    }

    /** Waits until a started move has finished (at once when none was started); false on timeout. */
    boolean await(Duration timeout) throws InterruptedException {
        return !started.get() || finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
