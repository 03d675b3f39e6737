/**
 * {@code synpipe connect} as a library: {@link io.synpipe.tun.connect.TunConnector} puts a TUN device in a network
 * namespace and opens one connection from the userspace stack to a kernel server, piping an input stream into it
 * and what comes back into an output stream with bounded memory ({@code StreamPipe}); {@link
 * io.synpipe.tun.connect.ConnectSettings} checks the command line's values (addresses only from 198.18.0.0/15 and
 * 2001:2::/48).
 */
package io.synpipe.tun.connect;
