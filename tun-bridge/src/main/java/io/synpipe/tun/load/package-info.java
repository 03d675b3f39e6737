/**
 * synpipe as a TCP load generator on a TUN device: {@link io.synpipe.tun.load.LoadGenerator} opens connections
 * from many source addresses ({@link io.synpipe.tun.load.SourceTuples}) to a kernel listening socket
 * ({@link io.synpipe.tun.load.KernelServer}) in closed loop (a fixed number of handshakes in flight) or open loop
 * (a constant rate, {@link io.synpipe.tun.load.OpenLoopSchedule}), records the client handshake latency (SYN out to
 * SYN-ACK in) and closes each connection with FIN or RST; {@link io.synpipe.tun.load.TunLoad} runs it on a
 * {@link io.synpipe.tun.TunStack}. Addresses only from 198.18.0.0/15.
 */
package io.synpipe.tun.load;
