/**
 * Per-connection data buffers: a pooled off-heap {@link io.synpipe.buffer.BufferArena} of blocks (state, send ring,
 * receive ring), rings indexed by TCP sequence number ({@link io.synpipe.buffer.SeqRing}) and a bounded set of
 * sequence ranges for out-of-order data and SACK ({@link io.synpipe.buffer.SeqRangeSet}).
 */
package io.synpipe.buffer;
