/**
 * TUN device access (FFM) and its binding to Netty's epoll event loop.
 * <ul>
 * <li>{@link io.synpipe.tun.Tun}: one queue of a layer-3 TUN device ({@code IFF_TUN | IFF_NO_PI}, optionally
 * {@code IFF_MULTI_QUEUE}), opened with {@code open}/{@code ioctl(TUNSETIFF)}/{@code fcntl} through the FFM linker,
 * non-blocking; errors name the errno ({@link io.synpipe.tun.Errno}) in a one-line {@link io.synpipe.tun.TunException}.</li>
 * <li>{@link io.synpipe.tun.Netns}: named network namespaces; {@link io.synpipe.tun.Netns#call} runs a task on a
 * fresh thread that entered the namespace with {@code setns}, so TUN devices and sockets it creates live there.</li>
 * <li>{@link io.synpipe.tun.TunChannel}: a Netty {@code Channel} over a TUN queue on an epoll {@code IoEventLoop}
 * (read budget per wakeup into pooled direct buffers, writes per flush, EAGAIN parked until EPOLLOUT), so the
 * {@code TcpEngineHandler} runs in an ordinary pipeline.</li>
 * </ul>
 * Not yet here: IFF_VNET_HDR/GSO offloads, io_uring, several queues per engine group (one engine per queue is the
 * plan: the kernel keeps a flow on the queue that last wrote it).
 */
package io.synpipe.tun;
