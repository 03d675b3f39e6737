package io.synpipe.tcp;

import io.synpipe.buffer.SeqRangeSet;

/**
 * RFC 6675 over the SACKed ranges of one connection: which unacknowledged bytes count as lost (IsLost: more than
 * (DupThresh - 1) × SMSS bytes SACKed above them) and how many bytes are still in the network (SetPipe).
 * Static, allocation-free; sequence numbers compare wrap-safe.
 */
final class SackScoreboard
{
    static final int DUP_THRESH = 3;

    private SackScoreboard()
    {
    }

    /**
     * @return the sequence number below which every un-SACKed byte counts as lost (RFC 6675 §4 IsLost), or
     * {@code sndUna} when none does.
     */
    static int lostBoundary(final SeqRangeSet sacked, final int sndUna, final int mss)
    {
        final long needed = (long)(DUP_THRESH - 1) * mss;
        long above = 0;
        for (int i = sacked.count() - 1; i >= 0; i--)
        {
            final int start = sacked.start(i);
            final int end = sacked.end(i);
            final int length = end - start;
            if (above + length > needed)
            {
                // bytes below end - (needed - above) have more than `needed` SACKed bytes above them
                return end - (int)(needed - above);
            }
            above += length;
        }
        return sndUna;
    }

    /** @return the end of the SACKed range holding {@code seq}, or {@code seq + 1} if none holds it. */
    static int endOfSackedRangeAt(final SeqRangeSet sacked, final int seq)
    {
        for (int i = 0; i < sacked.count(); i++)
        {
            if (SeqNum.le(sacked.start(i), seq) && SeqNum.lt(seq, sacked.end(i)))
            {
                return sacked.end(i);
            }
        }
        return seq + 1;
    }

    /** @return SACKed bytes in [from, to). */
    static int sackedBetween(final SeqRangeSet sacked, final int from, final int to)
    {
        int bytes = 0;
        for (int i = 0; i < sacked.count(); i++)
        {
            final int start = SeqNum.gt(sacked.start(i), from) ? sacked.start(i) : from;
            final int end = SeqNum.lt(sacked.end(i), to) ? sacked.end(i) : to;
            if (SeqNum.lt(start, end))
            {
                bytes += end - start;
            }
        }
        return bytes;
    }

    /**
     * RFC 6675 §4 SetPipe: un-SACKed bytes not yet deemed lost, plus lost bytes already retransmitted (below
     * HighRxt).
     */
    static int pipe(final SeqRangeSet sacked, final int sndUna, final int sndNxt, final int highRxt, final int mss)
    {
        final int lost = lostBoundary(sacked, sndUna, mss);
        final int inFlightAboveLost = (sndNxt - lost) - sackedBetween(sacked, lost, sndNxt);
        final int retransmittedUpTo = SeqNum.lt(highRxt, lost) ? highRxt : lost;
        final int retransmitted = SeqNum.gt(retransmittedUpTo, sndUna) ?
            (retransmittedUpTo - sndUna) - sackedBetween(sacked, sndUna, retransmittedUpTo) : 0;
        return inFlightAboveLost + retransmitted;
    }
}
