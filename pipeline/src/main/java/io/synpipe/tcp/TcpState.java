package io.synpipe.tcp;

/**
 * The connection states of RFC 9293 §3.3.2, with the int codes stored in the TCB.
 * <pre>
 *                             +---------+ ---------\      active OPEN
 *                             |  CLOSED |            \    -----------
 *                             +---------+<---------\   \   create TCB
 *                               |     ^              \   \  snd SYN
 *                  passive OPEN |     |   CLOSE        \   \
 *                  ------------ |     | ----------       \   \
 *                   create TCB  |     | delete TCB         \   \
 *                               V     |                      \   \
 *           rcv RST (note 1)  +---------+            CLOSE    |    \
 *        -------------------->|  LISTEN |          ---------- |     |
 *       /                     +---------+          delete TCB |     |
 *      /           rcv SYN      |     |     SEND              |     |
 *     /           -----------   |     |    -------            |     V
 * +--------+      snd SYN,ACK  /       \   snd SYN          +--------+
 * |        |<-----------------           ------------------>|        |
 * |  SYN   |                    rcv SYN                     |  SYN   |
 * |  RCVD  |<-----------------------------------------------|  SENT  |
 * |        |                  snd SYN,ACK                   |        |
 * |        |------------------           -------------------|        |
 * +--------+   rcv ACK of SYN  \       /  rcv SYN,ACK       +--------+
 *    |         --------------   |     |   -----------
 *    |                x         |     |     snd ACK
 *    |                          V     V
 *    |  CLOSE                 +---------+
 *    | -------                |  ESTAB  |
 *    | snd FIN                +---------+
 *    |                 CLOSE    |     |    rcv FIN
 *    V                -------   |     |    -------
 * +---------+         snd FIN  /       \   snd ACK         +---------+
 * |  FIN    |<----------------          ------------------>|  CLOSE  |
 * | WAIT-1  |------------------                            |   WAIT  |
 * +---------+          rcv FIN  \                          +---------+
 *   | rcv ACK of FIN   -------   |                          CLOSE  |
 *   | --------------   snd ACK   |                         ------- |
 *   V        x                   V                         snd FIN V
 * +---------+               +---------+                    +---------+
 * |FINWAIT-2|               | CLOSING |                    | LAST-ACK|
 * +---------+               +---------+                    +---------+
 *   |              rcv ACK of FIN |                 rcv ACK of FIN |
 *   |  rcv FIN     -------------- |    Timeout=2MSL -------------- |
 *   |  -------            x       V    ------------        x       V
 *    \ snd ACK              +---------+delete TCB          +---------+
 *      -------------------->|TIME-WAIT|------------------->| CLOSED  |
 *                           +---------+                    +---------+
 * </pre>
 */
public enum TcpState
{
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    public static final int S_CLOSED = 0;
    public static final int S_LISTEN = 1;
    public static final int S_SYN_SENT = 2;
    public static final int S_SYN_RECEIVED = 3;
    public static final int S_ESTABLISHED = 4;
    public static final int S_FIN_WAIT_1 = 5;
    public static final int S_FIN_WAIT_2 = 6;
    public static final int S_CLOSE_WAIT = 7;
    public static final int S_CLOSING = 8;
    public static final int S_LAST_ACK = 9;
    public static final int S_TIME_WAIT = 10;

    private static final TcpState[] VALUES = values();

    public static TcpState of(final int code)
    {
        return VALUES[code];
    }

    public int code()
    {
        return ordinal();
    }

    public static int count()
    {
        return VALUES.length;
    }
}
