package io.synpipe.cc;

/** Looks up a congestion controller by its configuration name. */
public final class CongestionControls
{
    private CongestionControls()
    {
    }

    /**
     * @param name {@code "newreno"} or {@code "cubic"} (exactly, lower case).
     * @return the controller's singleton.
     * @throws IllegalArgumentException for any other name, with the name in the message.
     */
    public static CongestionControl byName(final String name)
    {
        if (NewReno.INSTANCE.name().equals(name))
        {
            return NewReno.INSTANCE;
        }
        if (Cubic.INSTANCE.name().equals(name))
        {
            return Cubic.INSTANCE;
        }
        throw new IllegalArgumentException("congestion control '" + name + "' is not known: use newreno or cubic");
    }
}
