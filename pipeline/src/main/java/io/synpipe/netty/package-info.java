/** Netty handlers that run a {@link io.synpipe.tcp.TcpEngine} inside a {@code ChannelPipeline} of IP packets. */
package io.synpipe.netty;
