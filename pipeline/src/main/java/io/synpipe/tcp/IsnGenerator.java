package io.synpipe.tcp;

/** Chooses initial send sequence numbers (RFC 9293 §3.4.1). */
@FunctionalInterface
public interface IsnGenerator
{
    int isn(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort, long nowNs);
}
