package io.synpipe.tcp;

import io.synpipe.buffer.SeqRangeSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6675 IsLost and SetPipe over a scoreboard placed across the 2^32 wrap. */
class SackScoreboardTest
{
    private static final int MSS = 1000;
    private static final int UNA = 0xFFFF_F000;
    private final SeqRangeSet sacked = new SeqRangeSet().wrap(new UnsafeBuffer(new byte[256]), 0, 8);

    private int seg(final int n)
    {
        return UNA + n * MSS;
    }

    @Test
    void lostBoundary_noSack_nothingLost()
    {
        assertThat(SackScoreboard.lostBoundary(sacked, UNA, MSS)).isEqualTo(UNA);
        assertThat(SackScoreboard.pipe(sacked, UNA, seg(10), UNA, MSS)).isEqualTo(10 * MSS);
    }

    @Test
    void lostBoundary_twoSegmentsSackedAbove_notYetLost_threeAre()
    {
        sacked.add(seg(1), seg(3));
        // exactly (DupThresh - 1) * MSS above segment 0: not lost yet (RFC 6675 needs more)
        assertThat(SackScoreboard.lostBoundary(sacked, UNA, MSS)).isEqualTo(UNA);
        sacked.clear();
        sacked.add(seg(2), seg(5));
        // three segments SACKed above: segments 0 and 1 are lost, up to one MSS into the first SACKed one
        assertThat(SackScoreboard.lostBoundary(sacked, UNA, MSS)).isEqualTo(seg(3));
    }

    @Test
    void pipe_holesLostAndRetransmitted_countedOnceEach()
    {
        // sent 0..9; SACKed 2 and 4..6; 0, 1, 3 lost; 7, 8, 9 in flight
        sacked.add(seg(2), seg(3));
        sacked.add(seg(4), seg(7));
        final int lost = SackScoreboard.lostBoundary(sacked, UNA, MSS);
        assertThat(lost).isEqualTo(seg(5));
        assertThat(SackScoreboard.pipe(sacked, UNA, seg(10), UNA, MSS)).isEqualTo(3 * MSS);
        // after retransmitting segments 0 and 1 (HighRxt at 2), they count again
        assertThat(SackScoreboard.pipe(sacked, UNA, seg(10), seg(2), MSS)).isEqualTo(5 * MSS);
        assertThat(SackScoreboard.sackedBetween(sacked, UNA, seg(10))).isEqualTo(4 * MSS);
    }
}
