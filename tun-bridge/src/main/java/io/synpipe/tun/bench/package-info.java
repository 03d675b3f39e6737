/** Measurement runs over a real TUN device (root only): {@link io.synpipe.tun.bench.TunReflectRun}. */
package io.synpipe.tun.bench;
