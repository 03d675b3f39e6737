package io.synpipe.tun.connect;

import io.netty.channel.EventLoop;
import io.synpipe.table.ConnectionTable;
import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import io.synpipe.tun.TunStack;
import io.synpipe.wire.IpAddress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.atomic.SpscAtomicArrayQueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The application {@code synpipe connect} runs on its queue's engine: one active connection whose two directions
 * are piped to and from streams, each through a few reusable chunks, so memory stays bounded however fast or slow
 * the streams are.
 * <pre>
 *   input --reader thread--> [inputFull] --loop: engine.send--> connection
 *         <------------------ [inputFree] <-- chunk fully sent
 *   connection --loop: onData copy--> [outputFull] --writer thread--> output
 *              <-- redeliver -------- [outputFree] <-- chunk written
 * </pre>
 * Sending respects short writes: a chunk the send buffer did not take whole waits for {@link #onWritable}; the
 * reader blocks when all chunks are in flight. Receiving uses manual read credit: bytes are released
 * ({@link TcpEngine#consume}) only once copied into a chunk, so while the writer is behind they stay in the
 * receive buffer and the window the peer sees closes. When a chunk comes back the rest is handed over again
 * ({@link TcpEngine#redeliver}). The peer's FIN copies whatever is still held into a spill chunk the size of the
 * receive buffer (the engine frees that buffer once both FINs are through), then ends the output.
 * <p>
 * End of input sends our FIN (half-close, RFC 9293 §3.6); the pipe is done once the connection closed and the
 * writer has written everything, {@link CloseReason#NORMAL} meaning both directions completed.
 * Fields without a note belong to the event loop. The queues are JCTools' SPSC queues in their atomic form (no
 * {@code sun.misc.Unsafe}, so no JDK warning on stderr); they move chunks, not bytes, so the difference is noise.
 */
final class StreamPipe implements TcpHandler
{
    /** Bytes per chunk. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** Chunks per direction. */
    static final int CHUNKS = 4;

    /** Queued after the last chunk of a direction: end of stream. */
    private static final Chunk END = new Chunk(0);
    /** Queued to the writer when the connection closed before the peer's FIN: stop after what is queued. */
    private static final Chunk ABORT = new Chunk(0);

    private final TcpEngine engine;
    private final TunStack.Queue queue;
    private final EventLoop loop;
    private final NanoClock clock;

    private final SpscAtomicArrayQueue<Chunk> inputFull = new SpscAtomicArrayQueue<>(CHUNKS + 2);
    private final SpscAtomicArrayQueue<Chunk> inputFree = new SpscAtomicArrayQueue<>(CHUNKS + 2);
    private final SpscAtomicArrayQueue<Chunk> outputFull = new SpscAtomicArrayQueue<>(CHUNKS + 4);
    private final SpscAtomicArrayQueue<Chunk> outputFree = new SpscAtomicArrayQueue<>(CHUNKS + 4);
    private final Chunk spill;

    private final Runnable drainInputTask = this::drainInput;
    private final Runnable handOverTask = this::handOverScheduled;
    private final Runnable resumeOutputTask = this::resumeOutput;
    /** Set by the reader when it scheduled {@link #drainInput}; cleared on the loop before draining. */
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Set on the loop when it holds a part-filled chunk for when the writer runs dry; the writer claims it. */
    private final AtomicBoolean handOverWanted = new AtomicBoolean();
    /** Set on the loop when it wants to hear of a free output chunk; the writer claims it and schedules. */
    private final AtomicBoolean resumeWanted = new AtomicBoolean();
    /** Counted down once when the connection closed and once when the writer is done (end, abort or failure). */
    private final CountDownLatch finished = new CountDownLatch(2);

    private long handle = ConnectionTable.NULL_HANDLE;
    private boolean established;
    private boolean inputBlocked;
    private boolean inputEnded;
    private boolean outputBlocked;
    private boolean spilling;
    private boolean spillUsed;
    private boolean outputEnded;
    private boolean handOverPending;
    private Chunk filling;
    private int localPort;
    private long bytesSent;
    private long bytesReceived;

    private volatile CloseReason closeReason;
    private volatile String failure;
    /** Written by the writer thread only. */
    private volatile long bytesWritten;
    private volatile boolean stopped;
    private volatile Thread reader;
    private volatile Thread writer;

    StreamPipe(final TcpEngine engine, final TunStack.Queue queue, final NanoClock clock)
    {
        this.engine = engine;
        this.queue = queue;
        this.loop = queue.eventLoop();
        this.clock = clock;
        this.spill = new Chunk(engine.config().receiveBufferBytes());
        for (int i = 0; i < CHUNKS; i++)
        {
            inputFree.offer(new Chunk(CHUNK_BYTES));
            outputFree.offer(new Chunk(CHUNK_BYTES));
        }
    }

    /**
     * Starts the reader and writer threads and opens the connection (on the loop, from the caller's thread).
     *
     * @return the local port, picked at random from the ephemeral range.
     */
    int start(final ConnectSettings settings, final InputStream in, final OutputStream out) throws IOException
    {
        // the threads are known before the loop may wake them (a quick RST), and start once the connection exists
        final Thread w = Thread.ofPlatform().daemon().name("synpipe-connect-writer").unstarted(() -> writeLoop(out));
        final Thread r = Thread.ofPlatform().daemon().name("synpipe-connect-reader").unstarted(() -> readLoop(in));
        writer = w;
        reader = r;
        final int port = queue.call(() -> open(settings));
        if (port < 0)
        {
            throw new IOException("cannot open a connection from " + ConnectSettings.endpoint(settings.from(), -port)
                + ": the engine refused it (4-tuple in use or table full)");
        }
        // a chunk queued before a thread started is found by its first poll: park only follows an empty poll
        w.start();
        r.start();
        return port;
    }

    /** On the loop: active OPEN from a random ephemeral port; returns the port, negated when the engine refused. */
    private int open(final ConnectSettings settings)
    {
        final int port = ThreadLocalRandom.current()
            .nextInt(ConnectSettings.EPHEMERAL_PORT_FIRST, ConnectSettings.EPHEMERAL_PORT_LAST + 1);
        final long h = engine.connect(
            IpAddress.hi(settings.from()), IpAddress.lo(settings.from()), port,
            IpAddress.hi(settings.to()), IpAddress.lo(settings.to()), settings.toPort(),
            clock.nanoTime());
        if (h == ConnectionTable.NULL_HANDLE)
        {
            return -port;
        }
        handle = h;
        localPort = port;
        engine.manualReadCredit(h);
        queue.flush();
        return port;
    }

    /** Waits until the connection closed and the writer is done, or {@code timeoutMs} passed; @return whether done. */
    boolean await(final long timeoutMs) throws InterruptedException
    {
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    boolean isDone()
    {
        return finished.getCount() == 0;
    }

    /** Why the connection closed, or null while it is open. */
    CloseReason closeReason()
    {
        return closeReason;
    }

    /** A failure of the streams (reading input or writing output), or null. */
    String failure()
    {
        return failure;
    }

    /** Whether input waits for send-buffer room with every chunk taken by the reader (loop; for tests). */
    boolean inputStalled()
    {
        return inputBlocked && inputFree.isEmpty();
    }

    /** The connection's handle while it is open (loop). */
    long handle()
    {
        return handle;
    }

    int localPort()
    {
        return localPort;
    }

    /** Bytes the send buffer took (loop). */
    long bytesSent()
    {
        return bytesSent;
    }

    /** Bytes received in order (loop). */
    long bytesReceived()
    {
        return bytesReceived;
    }

    /** Bytes written to the output (any thread). */
    long bytesWritten()
    {
        return bytesWritten;
    }

    // ---------------------------------------------------------------- engine callbacks (loop)

    @Override
    public void onEstablished(final long h)
    {
        established = true;
        drainInput();
    }

    @Override
    public void onWritable(final long h)
    {
        inputBlocked = false;
        drainInput();
    }

    @Override
    public void onData(final long h, final DirectBuffer buffer, final int offset, final int length)
    {
        if (outputBlocked)
        {
            // older bytes wait for a free chunk: they and these come again, in order, on redeliver
            return;
        }
        int done = 0;
        while (done < length)
        {
            Chunk chunk = filling;
            if (chunk == null)
            {
                chunk = outputFree.poll();
                if (chunk == null && spilling && !spillUsed)
                {
                    spillUsed = true;
                    chunk = spill;
                }
                if (chunk == null)
                {
                    outputBlocked = true;
                    wantResume();
                    break;
                }
                filling = chunk;
            }
            final int n = Math.min(chunk.capacity - chunk.length, length - done);
            buffer.getBytes(offset + done, chunk.bytes, chunk.length, n);
            chunk.length += n;
            done += n;
            if (chunk.length == chunk.capacity)
            {
                handOver();
            }
        }
        if (done > 0)
        {
            bytesReceived += done;
            engine.consume(h, done, clock.nanoTime());
        }
        if (filling != null && !handOverPending)
        {
            // a part-filled chunk goes to the writer after this read batch, not after every segment
            handOverPending = true;
            loop.execute(handOverTask);
        }
    }

    @Override
    public void onPeerClosed(final long h)
    {
        if (engine.unconsumed(h) > 0)
        {
            // the receive buffer goes back to the engine once both FINs are through: copy what it holds now
            outputBlocked = false;
            spilling = true;
            engine.redeliver(h);
            spilling = false;
        }
        endOutput(END);
    }

    @Override
    public void onClosed(final long h, final CloseReason reason)
    {
        closeReason = reason;
        handle = ConnectionTable.NULL_HANDLE;
        endOutput(ABORT);
        stopped = true;
        LockSupport.unpark(reader);
        finished.countDown();
    }

    // ---------------------------------------------------------------- stream -> connection

    private void drainInput()
    {
        drainScheduled.set(false);
        if (handle == ConnectionTable.NULL_HANDLE || !established || inputBlocked || inputEnded)
        {
            return;
        }
        final long nowNs = clock.nanoTime();
        Chunk chunk;
        while ((chunk = inputFull.peek()) != null)
        {
            if (chunk == END || chunk == ABORT)
            {
                inputFull.poll();
                inputEnded = true;
                if (chunk == END)
                {
                    // 3.10.4 CLOSE: our FIN goes after the buffered data
                    engine.close(handle, nowNs);
                }
                else
                {
                    engine.abort(handle);
                }
                break;
            }
            final int n = engine.send(handle, chunk.view, chunk.position, chunk.length - chunk.position, nowNs);
            chunk.position += n;
            bytesSent += n;
            if (chunk.position < chunk.length)
            {
                inputBlocked = true;
                break;
            }
            inputFull.poll();
            chunk.position = 0;
            chunk.length = 0;
            inputFree.offer(chunk);
            LockSupport.unpark(reader);
        }
        queue.flush();
    }

    /** Reader thread: fills free chunks from the input until end of stream. */
    private void readLoop(final InputStream in)
    {
        try
        {
            while (!stopped)
            {
                final Chunk chunk = inputFree.poll();
                if (chunk == null)
                {
                    LockSupport.park(this);
                    continue;
                }
                final int n = in.read(chunk.bytes, 0, chunk.capacity);
                if (n < 0)
                {
                    toLoop(END);
                    return;
                }
                chunk.length = n;
                toLoop(chunk);
            }
        }
        catch (final IOException ex)
        {
            failure = "reading input: " + ex.getMessage();
            toLoop(ABORT);
        }
    }

    private void toLoop(final Chunk chunk)
    {
        inputFull.offer(chunk);
        if (drainScheduled.compareAndSet(false, true))
        {
            execute(drainInputTask);
        }
    }

    // ---------------------------------------------------------------- connection -> stream

    /**
     * After a read batch: a part-filled chunk goes to the writer now if it has nothing else to write; otherwise it
     * keeps filling (fewer, fuller chunks while the writer is behind) and the writer asks for it when it runs dry.
     */
    private void handOverScheduled()
    {
        handOverPending = false;
        if (filling == null)
        {
            return;
        }
        if (outputFull.isEmpty())
        {
            handOver();
            return;
        }
        handOverWanted.set(true);
        // the writer may have run dry between the check and the flag: then it did not see the flag
        if (outputFull.isEmpty() && handOverWanted.compareAndSet(true, false))
        {
            handOver();
        }
    }

    private void handOver()
    {
        final Chunk chunk = filling;
        if (chunk != null && chunk.length > 0)
        {
            filling = null;
            outputFull.offer(chunk);
            LockSupport.unpark(writer);
        }
    }

    private void endOutput(final Chunk marker)
    {
        if (!outputEnded)
        {
            outputEnded = true;
            handOver();
            outputFull.offer(marker);
            LockSupport.unpark(writer);
        }
    }

    private void wantResume()
    {
        resumeWanted.set(true);
        // a chunk may have come back between the poll and the flag: then the writer did not see the flag
        if (!outputFree.isEmpty() && resumeWanted.compareAndSet(true, false))
        {
            loop.execute(resumeOutputTask);
        }
    }

    private void resumeOutput()
    {
        if (handle == ConnectionTable.NULL_HANDLE || !outputBlocked)
        {
            return;
        }
        outputBlocked = false;
        engine.redeliver(handle);
        // consume may have opened the window: a window update goes out now
        queue.flush();
    }

    /** Writer thread: writes full chunks to the output, flushing whenever it has caught up. */
    private void writeLoop(final OutputStream out)
    {
        boolean dirty = false;
        try
        {
            while (true)
            {
                final Chunk chunk = outputFull.poll();
                if (chunk == null)
                {
                    if (handOverWanted.compareAndSet(true, false))
                    {
                        execute(handOverTask);
                    }
                    if (dirty)
                    {
                        out.flush();
                        dirty = false;
                        continue;
                    }
                    LockSupport.park(this);
                    continue;
                }
                if (chunk == END || chunk == ABORT)
                {
                    out.flush();
                    return;
                }
                out.write(chunk.bytes, 0, chunk.length);
                dirty = true;
                bytesWritten += chunk.length;
                chunk.length = 0;
                outputFree.offer(chunk);
                if (resumeWanted.compareAndSet(true, false))
                {
                    execute(resumeOutputTask);
                }
            }
        }
        catch (final IOException ex)
        {
            failure = "writing output: " + ex.getMessage();
            stopped = true;
            LockSupport.unpark(reader);
            execute(this::abortAfterOutputFailure);
        }
        finally
        {
            finished.countDown();
        }
    }

    /** From the reader or writer thread: a task for the loop, unless the loop stopped (nothing is left to do then). */
    private void execute(final Runnable task)
    {
        try
        {
            loop.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            // the stack is stopping: the engine closed every connection already
        }
    }

    private void abortAfterOutputFailure()
    {
        if (handle != ConnectionTable.NULL_HANDLE)
        {
            engine.abort(handle);
            queue.flush();
        }
    }

    /** A reusable piece of one direction's stream; {@code position} is what was sent of it so far. */
    private static final class Chunk
    {
        final int capacity;
        final byte[] bytes;
        final UnsafeBuffer view;
        int length;
        int position;

        Chunk(final int capacity)
        {
            this.capacity = capacity;
            this.bytes = new byte[capacity];
            this.view = new UnsafeBuffer(bytes);
        }
    }
}
