package io.synpipe.tun.load;

/** Why a generator's connection failed, counted per kind. */
public enum LoadError
{
    /** The peer answered the SYN with RST (nobody listening, or the listener refused). */
    REFUSED("refused"),
    /** SYN (or FIN) retransmissions ran out without an answer. */
    TIMEOUT("timeout"),
    /** The peer reset a synchronized connection that was not being aborted by the generator. */
    RESET("reset"),
    /** The local engine could not open the connection: every tuple tried was still in its table, or it was full. */
    LOCAL_REFUSED("local-refused"),
    /** Open loop: a scheduled start was skipped because the in-flight bound was reached (the generator fell behind). */
    BEHIND("behind"),
    /** Anything else (e.g. FIN-WAIT-2 timeout). */
    OTHER("other");

    private final String label;

    LoadError(final String label)
    {
        this.label = label;
    }

    /** The name shown in tables and JSON. */
    public String label()
    {
        return label;
    }
}
