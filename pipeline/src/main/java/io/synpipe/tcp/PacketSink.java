package io.synpipe.tcp;

import org.agrona.DirectBuffer;

/** Where the engine puts each packet it sends: one IP packet, valid only during the call. */
@FunctionalInterface
public interface PacketSink
{
    void onPacket(DirectBuffer buffer, int offset, int length);
}
