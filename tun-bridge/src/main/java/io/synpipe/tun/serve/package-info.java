/**
 * {@code synpipe serve} as a library: {@link io.synpipe.tun.serve.TunServer} puts a TUN device in a network
 * namespace, runs one {@code TcpEngine} behind a {@link io.synpipe.tun.TunChannel} and answers with a
 * {@link io.synpipe.tun.serve.Responder} per {@link io.synpipe.tun.serve.ServeMode}; {@link
 * io.synpipe.tun.serve.ServeSettings} checks the command line's values (addresses only from 198.18.0.0/15 and
 * 2001:2::/48).
 */
package io.synpipe.tun.serve;
