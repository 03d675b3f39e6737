package io.synpipe.tun.serve;

import java.util.Locale;

/** What a listener does with each connection it accepts. */
public enum ServeMode
{
    /** Sends back what arrives (in-order data, as far as the peer's window allows: no send buffer yet). */
    ECHO,
    /** Reads and drops what arrives. */
    DISCARD,
    /** Answers each request header block (up to an empty line) with {@code HTTP/1.1 200 OK} and a small body. */
    HTTP,
    /** Closes (FIN) right after the handshake. */
    CLOSE;

    static final String ALLOWED = "echo, discard, http or close";

    /** Parses a mode name (case-insensitive); a bad one throws with a one-line message naming it. */
    public static ServeMode parse(final String text)
    {
        for (final ServeMode mode : values())
        {
            if (mode.name().equalsIgnoreCase(text))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode '" + text + "' is not allowed: use " + ALLOWED);
    }

    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
