package io.synpipe.tun.serve;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.TcpEngine;
import io.synpipe.tcp.TcpHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The application {@code synpipe serve} runs on its engine: one listener per {@link ListenSpec}, each connection
 * handled by its listener's {@link ServeMode}. Runs on the engine's thread and allocates nothing per connection:
 * the mode and the HTTP parser's progress live in the connection's user data,
 * {@code (mode ordinal << 8) | bytes of "\r\n\r\n" matched}.
 * <p>
 * Echo holds back the peer with manual read credit: received bytes are released only once they are in the send
 * buffer, and what did not fit is handed over again when the send buffer has room ({@link TcpHandler#onWritable}),
 * so the peer's sending rate follows the rate at which it reads the echo. A half-close waits for the echo to
 * drain before our FIN.
 */
public final class Responder implements TcpHandler
{
    /** The body every HTTP answer carries. */
    public static final String HTTP_BODY = "synpipe\n";
    public static final String HTTP_RESPONSE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
        + HTTP_BODY.length() + "\r\n\r\n" + HTTP_BODY;

    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};
    private static final ServeMode[] MODES = ServeMode.values();
    /** User-data bit: the peer closed its side; close ours once the echo has drained. */
    private static final long CLOSE_WHEN_DRAINED = 1L << 16;
    /** User-data bit: a send fell short; later bytes wait until onWritable hands everything over again, in order. */
    private static final long BLOCKED = 1L << 17;

    private final TcpEngine engine;
    private final NanoClock clock;
    private final UnsafeBuffer httpResponse;
    private ServeMode[] modeByListener = new ServeMode[8];
    private final long[] closedByReason = new long[CloseReason.values().length];
    private long accepted;
    private long established;
    private long bytesReceived;
    private long bytesEchoed;
    private long httpResponses;

    public Responder(final TcpEngine engine, final NanoClock clock, final List<ListenSpec> listeners)
    {
        this.engine = engine;
        this.clock = clock;
        final byte[] response = HTTP_RESPONSE.getBytes(StandardCharsets.US_ASCII);
        this.httpResponse = new UnsafeBuffer(ByteBuffer.allocateDirect(response.length));
        httpResponse.putBytes(0, response);
        for (final ListenSpec spec : listeners)
        {
            final int id = engine.listen(spec.address(), spec.port());
            if (id >= modeByListener.length)
            {
                modeByListener = Arrays.copyOf(modeByListener, Math.max(id + 1, modeByListener.length * 2));
            }
            modeByListener[id] = spec.mode();
        }
    }

    @Override
    public int onSyn(final long handle, final int listenerId)
    {
        final ServeMode mode = listenerId < modeByListener.length ? modeByListener[listenerId] : null;
        if (mode == null)
        {
            return REFUSE;
        }
        accepted++;
        engine.userData(handle, (long)mode.ordinal() << 8);
        if (mode == ServeMode.ECHO)
        {
            engine.manualReadCredit(handle);
        }
        return ACCEPT;
    }

    @Override
    public void onEstablished(final long handle)
    {
        established++;
        if (mode(handle) == ServeMode.CLOSE)
        {
            engine.close(handle, clock.nanoTime());
        }
    }

    @Override
    public void onData(final long handle, final DirectBuffer buffer, final int offset, final int length)
    {
        bytesReceived += length;
        switch (mode(handle))
        {
            case ECHO ->
            {
                if ((engine.userData(handle) & BLOCKED) != 0)
                {
                    // older bytes wait for send-buffer room: keep the order, they come again first (onWritable)
                    return;
                }
                final long nowNs = clock.nanoTime();
                final int sent = engine.send(handle, buffer, offset, length, nowNs);
                bytesEchoed += sent;
                engine.consume(handle, sent, nowNs);
                if (sent < length)
                {
                    engine.userData(handle, engine.userData(handle) | BLOCKED);
                }
            }
            case HTTP -> onHttpData(handle, buffer, offset, length);
            default ->
            {
                // DISCARD drops the data; CLOSE has closed already
            }
        }
    }

    @Override
    public void onWritable(final long handle)
    {
        if (mode(handle) == ServeMode.ECHO)
        {
            engine.userData(handle, engine.userData(handle) & ~BLOCKED);
            engine.redeliver(handle);
            closeIfDrained(handle);
        }
    }

    @Override
    public void onPeerClosed(final long handle)
    {
        if (mode(handle) == ServeMode.ECHO && engine.unconsumed(handle) > 0)
        {
            engine.userData(handle, engine.userData(handle) | CLOSE_WHEN_DRAINED);
            return;
        }
        engine.close(handle, clock.nanoTime());
    }

    private void closeIfDrained(final long handle)
    {
        if ((engine.userData(handle) & CLOSE_WHEN_DRAINED) != 0 && engine.unconsumed(handle) == 0)
        {
            engine.close(handle, clock.nanoTime());
        }
    }

    @Override
    public void onClosed(final long handle, final CloseReason reason)
    {
        closedByReason[reason.ordinal()]++;
    }

    private void onHttpData(final long handle, final DirectBuffer buffer, final int offset, final int length)
    {
        final long userData = engine.userData(handle);
        int matched = (int)(userData & 0xff);
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b == END_OF_HEADER[matched])
            {
                matched++;
                if (matched == END_OF_HEADER.length)
                {
                    matched = 0;
                    httpResponses++;
                    engine.send(handle, httpResponse, 0, httpResponse.capacity(), clock.nanoTime());
                }
            }
            else
            {
                matched = b == '\r' ? 1 : 0;
            }
        }
        engine.userData(handle, (userData & ~0xffL) | matched);
    }

    private ServeMode mode(final long handle)
    {
        return MODES[(int)(engine.userData(handle) >>> 8) & 0x7f];
    }

    public long accepted()
    {
        return accepted;
    }

    public long established()
    {
        return established;
    }

    public long bytesReceived()
    {
        return bytesReceived;
    }

    public long bytesEchoed()
    {
        return bytesEchoed;
    }


    public long httpResponses()
    {
        return httpResponses;
    }

    /** Closed connections by reason, non-zero only (allocates: for reports). */
    public Map<CloseReason, Long> closedSnapshot()
    {
        final Map<CloseReason, Long> map = new EnumMap<>(CloseReason.class);
        for (final CloseReason reason : CloseReason.values())
        {
            if (closedByReason[reason.ordinal()] != 0)
            {
                map.put(reason, closedByReason[reason.ordinal()]);
            }
        }
        return map;
    }
}
