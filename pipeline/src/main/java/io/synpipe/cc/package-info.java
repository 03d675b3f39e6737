/**
 * Congestion control for the sender: {@link io.synpipe.cc.CongestionControl} and its stateless implementations
 * {@link io.synpipe.cc.NewReno} (RFC 5681, RFC 6582) and {@link io.synpipe.cc.Cubic} (RFC 9438), each working on a
 * per-connection region of {@link io.synpipe.cc.CongestionControl#STATE_BYTES} bytes off-heap.
 */
package io.synpipe.cc;
