package io.synpipe.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes every IP packet read from and written to a {@link TunChannel} to a pcap file (place it before the engine
 * in the pipeline; it runs on the event loop only). Buffered; {@link #close} flushes.
 * <pre>
 * global header (24 bytes, big-endian)      record header (16 bytes) + packet
 *  0 magic 0xa1b2c3d4                          0 ts_sec
 *  4 version major 2, minor 4 (2 + 2)          4 ts_usec
 *  8 thiszone 0, 12 sigfigs 0                  8 incl_len
 * 16 snaplen 65535                            12 orig_len
 * 20 linktype 101 (LINKTYPE_RAW)
 * </pre>
 */
public final class PcapWriter extends ChannelDuplexHandler implements AutoCloseable
{
    public static final int MAGIC = 0xa1b2c3d4;
    public static final int GLOBAL_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;
    public static final int SNAPLEN = 65_535;
    public static final int LINKTYPE_RAW = 101;
    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private long packets;
    private IOException failure;

    private PcapWriter(final FileChannel file)
    {
        this.file = file;
        buffer.putInt(MAGIC).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(SNAPLEN)
            .putInt(LINKTYPE_RAW);
    }

    /** Checks the path: a one-line {@link IllegalArgumentException} if its parent is missing or it is a directory. */
    public static Path checkPath(final String text)
    {
        final Path path = Path.of(text).toAbsolutePath();
        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException("--pcap '" + text + "' is a directory: give a file name");
        }
        final Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent))
        {
            throw new IllegalArgumentException("--pcap '" + text + "': the directory " + parent + " does not exist");
        }
        return path;
    }

    /** Creates (or truncates) the file and writes the global header. */
    public static PcapWriter open(final Path path) throws IOException
    {
        return new PcapWriter(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING));
    }

    @Override
    public boolean isSharable()
    {
        // the queues of a multi-queue device share one file: record() and close() synchronize (a debugging aid,
        // not the hot path)
        return true;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ByteBuf packet)
        {
            record(packet);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        if (msg instanceof ByteBuf packet)
        {
            record(packet);
        }
        ctx.write(msg, promise);
    }

    /** Packets recorded so far. */
    public synchronized long packets()
    {
        return packets;
    }

    /** Appends one packet (its readable bytes, cut at {@link #SNAPLEN}). */
    public synchronized void record(final ByteBuf packet)
    {
        if (failure != null)
        {
            return;
        }
        final int length = packet.readableBytes();
        final int included = Math.min(length, SNAPLEN);
        try
        {
            if (buffer.remaining() < RECORD_HEADER_LENGTH + included)
            {
                drain();
            }
            final long nowUs = System.currentTimeMillis() * 1000L;
            buffer.putInt((int)(nowUs / 1_000_000L)).putInt((int)(nowUs % 1_000_000L)).putInt(included).putInt(length);
            final int position = buffer.position();
            packet.getBytes(packet.readerIndex(), buffer.limit(position + included));
            buffer.limit(buffer.capacity()).position(position + included);
            packets++;
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    private void drain() throws IOException
    {
        buffer.flip();
        while (buffer.hasRemaining())
        {
            file.write(buffer);
        }
        buffer.clear();
    }

    /** Writes what is buffered and closes the file; call once the event loop has stopped. */
    @Override
    public synchronized void close() throws IOException
    {
        try
        {
            if (failure == null)
            {
                drain();
            }
        }
        finally
        {
            file.close();
        }
        if (failure != null)
        {
            throw new IOException("pcap file: " + failure.getMessage(), failure);
        }
    }
}
