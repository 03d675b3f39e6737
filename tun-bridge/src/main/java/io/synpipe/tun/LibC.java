package io.synpipe.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TUN code needs, bound once through the FFM {@link Linker} (no JNI, no JNA).
 * <p>
 * Every call takes as first argument a call-state segment from {@link #newCallState(Arena)}; after a call that
 * returned -1, {@link #errno(MemorySegment)} reads the errno it left (captured by the linker right after the call,
 * so no other JVM activity can overwrite it). {@code open}, {@code ioctl} and {@code fcntl} are variadic in C and
 * are linked with {@link Linker.Option#firstVariadicArg(int)}.
 * <p>
 * {@code read} and {@code write} take the buffer as a raw address in a {@code long}: on the 64-bit Linux ABIs
 * (x86_64 System V, AArch64) a pointer and a {@code long} travel in the same integer register, and a raw
 * address avoids wrapping every packet buffer in a {@link MemorySegment}.
 */
final class LibC
{
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int CLONE_NEWNET = 0x4000_0000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CALL_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;
    private static final ValueLayout POINTER = ValueLayout.ADDRESS;

    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(INT, POINTER, INT), 2);
    private static final MethodHandle IOCTL_PTR = bind("ioctl", FunctionDescriptor.of(INT, INT, LONG, POINTER), 2);
    private static final MethodHandle FCNTL = bind("fcntl", FunctionDescriptor.of(INT, INT, INT, INT), 2);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT), -1);
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(LONG, INT, LONG, SIZE_T), -1);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(LONG, INT, LONG, SIZE_T), -1);
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(INT, INT, INT), -1);

    private LibC()
    {
    }

    /** A segment to capture errno into; one per thread that makes calls (it is written by each call). */
    static MemorySegment newCallState(final Arena arena)
    {
        return arena.allocate(CALL_STATE_LAYOUT);
    }

    static int errno(final MemorySegment callState)
    {
        return (int)ERRNO.get(callState, 0L);
    }

    static int open(final MemorySegment callState, final MemorySegment path, final int flags)
    {
        try
        {
            return (int)OPEN.invokeExact(callState, path, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int ioctl(final MemorySegment callState, final int fd, final long request, final MemorySegment argument)
    {
        try
        {
            return (int)IOCTL_PTR.invokeExact(callState, fd, request, argument);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int fcntl(final MemorySegment callState, final int fd, final int command, final int argument)
    {
        try
        {
            return (int)FCNTL.invokeExact(callState, fd, command, argument);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int close(final MemorySegment callState, final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(callState, fd);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static long read(final MemorySegment callState, final int fd, final long address, final long length)
    {
        try
        {
            return (long)READ.invokeExact(callState, fd, address, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static long write(final MemorySegment callState, final int fd, final long address, final long length)
    {
        try
        {
            return (long)WRITE.invokeExact(callState, fd, address, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int setns(final MemorySegment callState, final int fd, final int namespaceType)
    {
        try
        {
            return (int)SETNS.invokeExact(callState, fd, namespaceType);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor, final int firstVariadicArg)
    {
        final MemorySegment symbol = LIBC.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol '" + name + "'"));
        return firstVariadicArg < 0
            ? LINKER.downcallHandle(symbol, descriptor, ERRNO_OPTION)
            : LINKER.downcallHandle(symbol, descriptor, ERRNO_OPTION, Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException r)
        {
            return r;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
