package io.synpipe.table;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Every TCB field reads back what was written, owns exactly its bytes, and holds its whole range. */
class TcbTest
{
    private static final int AT = Tcb.LENGTH;
    private static final byte JUNK = (byte)0xA5;

    /** One accessor pair: name, documented offset and size, setter, getter (widened to long). */
    private record FieldSpec(
        String name, int offset, int size, BiFunction<Tcb, Long, Tcb> setter, ToLongFunction<Tcb> getter)
    {
        /** All ones in the field's width, as its getter returns it (unsigned for u8/u16, signed for int/long). */
        long allOnes()
        {
            return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1L;
        }

        /** A value unique to this field that fills its width: bytes {@code seed, seed+1, ...}. */
        long distinctValue(final int seed)
        {
            long value = 0;
            for (int i = 0; i < size; i++)
            {
                value = (value << 8) | ((seed + i) & 0xFF);
            }
            return size == 4 ? (int)value : value;
        }
    }

    private static final List<FieldSpec> FIELDS = List.of(
        new FieldSpec("generation", Tcb.GENERATION_OFFSET, 4, (t, v) -> t.generation(v.intValue()), Tcb::generation),
        new FieldSpec("state", Tcb.STATE_OFFSET, 4, (t, v) -> t.state(v.intValue()), Tcb::state),
        new FieldSpec("localHi", Tcb.LOCAL_HI_OFFSET, 8, Tcb::localHi, Tcb::localHi),
        new FieldSpec("localLo", Tcb.LOCAL_LO_OFFSET, 8, Tcb::localLo, Tcb::localLo),
        new FieldSpec("remoteHi", Tcb.REMOTE_HI_OFFSET, 8, Tcb::remoteHi, Tcb::remoteHi),
        new FieldSpec("remoteLo", Tcb.REMOTE_LO_OFFSET, 8, Tcb::remoteLo, Tcb::remoteLo),
        new FieldSpec("localPort", Tcb.LOCAL_PORT_OFFSET, 2, (t, v) -> t.localPort(v.intValue()), Tcb::localPort),
        new FieldSpec("remotePort", Tcb.REMOTE_PORT_OFFSET, 2, (t, v) -> t.remotePort(v.intValue()), Tcb::remotePort),
        new FieldSpec("flags", Tcb.FLAGS_OFFSET, 4, (t, v) -> t.flags(v.intValue()), Tcb::flags),
        new FieldSpec("iss", Tcb.ISS_OFFSET, 4, (t, v) -> t.iss(v.intValue()), Tcb::iss),
        new FieldSpec("irs", Tcb.IRS_OFFSET, 4, (t, v) -> t.irs(v.intValue()), Tcb::irs),
        new FieldSpec("sndUna", Tcb.SND_UNA_OFFSET, 4, (t, v) -> t.sndUna(v.intValue()), Tcb::sndUna),
        new FieldSpec("sndNxt", Tcb.SND_NXT_OFFSET, 4, (t, v) -> t.sndNxt(v.intValue()), Tcb::sndNxt),
        new FieldSpec("sndWnd", Tcb.SND_WND_OFFSET, 4, (t, v) -> t.sndWnd(v.intValue()), Tcb::sndWnd),
        new FieldSpec("sndWl1", Tcb.SND_WL1_OFFSET, 4, (t, v) -> t.sndWl1(v.intValue()), Tcb::sndWl1),
        new FieldSpec("sndWl2", Tcb.SND_WL2_OFFSET, 4, (t, v) -> t.sndWl2(v.intValue()), Tcb::sndWl2),
        new FieldSpec("sndUp", Tcb.SND_UP_OFFSET, 4, (t, v) -> t.sndUp(v.intValue()), Tcb::sndUp),
        new FieldSpec("rcvNxt", Tcb.RCV_NXT_OFFSET, 4, (t, v) -> t.rcvNxt(v.intValue()), Tcb::rcvNxt),
        new FieldSpec("rcvWnd", Tcb.RCV_WND_OFFSET, 4, (t, v) -> t.rcvWnd(v.intValue()), Tcb::rcvWnd),
        new FieldSpec("rcvUp", Tcb.RCV_UP_OFFSET, 4, (t, v) -> t.rcvUp(v.intValue()), Tcb::rcvUp),
        new FieldSpec("finSeq", Tcb.FIN_SEQ_OFFSET, 4, (t, v) -> t.finSeq(v.intValue()), Tcb::finSeq),
        new FieldSpec("tsRecent", Tcb.TS_RECENT_OFFSET, 4, (t, v) -> t.tsRecent(v.intValue()), Tcb::tsRecent),
        new FieldSpec("retransmitCount", Tcb.RETRANSMIT_COUNT_OFFSET, 4,
            (t, v) -> t.retransmitCount(v.intValue()), Tcb::retransmitCount),
        new FieldSpec("listenerId", Tcb.LISTENER_ID_OFFSET, 4, (t, v) -> t.listenerId(v.intValue()), Tcb::listenerId),
        new FieldSpec("closeReason", Tcb.CLOSE_REASON_OFFSET, 4,
            (t, v) -> t.closeReason(v.intValue()), Tcb::closeReason),
        new FieldSpec("sndMss", Tcb.SND_MSS_OFFSET, 2, (t, v) -> t.sndMss(v.intValue()), Tcb::sndMss),
        new FieldSpec("sndWindowShift", Tcb.SND_WINDOW_SHIFT_OFFSET, 1,
            (t, v) -> t.sndWindowShift(v.intValue()), Tcb::sndWindowShift),
        new FieldSpec("rcvWindowShift", Tcb.RCV_WINDOW_SHIFT_OFFSET, 1,
            (t, v) -> t.rcvWindowShift(v.intValue()), Tcb::rcvWindowShift),
        new FieldSpec("tsRecentAgeNs", Tcb.TS_RECENT_AGE_NS_OFFSET, 8, Tcb::tsRecentAgeNs, Tcb::tsRecentAgeNs),
        new FieldSpec("rtoNs", Tcb.RTO_NS_OFFSET, 8, Tcb::rtoNs, Tcb::rtoNs),
        new FieldSpec("srttNs", Tcb.SRTT_NS_OFFSET, 8, Tcb::srttNs, Tcb::srttNs),
        new FieldSpec("rttvarNs", Tcb.RTTVAR_NS_OFFSET, 8, Tcb::rttvarNs, Tcb::rttvarNs),
        new FieldSpec("retransmitTimerId", Tcb.RETRANSMIT_TIMER_ID_OFFSET, 8,
            Tcb::retransmitTimerId, Tcb::retransmitTimerId),
        new FieldSpec("closeTimerId", Tcb.CLOSE_TIMER_ID_OFFSET, 8, Tcb::closeTimerId, Tcb::closeTimerId),
        new FieldSpec("keepaliveTimerId", Tcb.KEEPALIVE_TIMER_ID_OFFSET, 8,
            Tcb::keepaliveTimerId, Tcb::keepaliveTimerId),
        new FieldSpec("openedNs", Tcb.OPENED_NS_OFFSET, 8, Tcb::openedNs, Tcb::openedNs),
        new FieldSpec("establishedNs", Tcb.ESTABLISHED_NS_OFFSET, 8, Tcb::establishedNs, Tcb::establishedNs),
        new FieldSpec("userData", Tcb.USER_DATA_OFFSET, 8, Tcb::userData, Tcb::userData),
        new FieldSpec("dataBlock", Tcb.DATA_BLOCK_OFFSET, 4, (t, v) -> t.dataBlock(v.intValue()), Tcb::dataBlock),
        new FieldSpec("segmentsUnacked", Tcb.SEGMENTS_UNACKED_OFFSET, 4,
            (t, v) -> t.segmentsUnacked(v.intValue()), Tcb::segmentsUnacked),
        new FieldSpec("delayedAckTimerId", Tcb.DELAYED_ACK_TIMER_ID_OFFSET, 8, Tcb::delayedAckTimerId,
            Tcb::delayedAckTimerId),
        new FieldSpec("persistTimerId", Tcb.PERSIST_TIMER_ID_OFFSET, 8, Tcb::persistTimerId, Tcb::persistTimerId),
        new FieldSpec("lastHeardNs", Tcb.LAST_HEARD_NS_OFFSET, 8, Tcb::lastHeardNs, Tcb::lastHeardNs),
        new FieldSpec("keepaliveProbes", Tcb.KEEPALIVE_PROBES_OFFSET, 4,
            (t, v) -> t.keepaliveProbes(v.intValue()), Tcb::keepaliveProbes),
        new FieldSpec("keyHash", Tcb.KEY_HASH_OFFSET, 4, (t, v) -> t.keyHash(v.intValue()), Tcb::keyHash));

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(3 * Tcb.LENGTH));
    private final Tcb tcb = new Tcb().wrap(buffer, AT);

    private void fillJunk()
    {
        buffer.setMemory(0, buffer.capacity(), JUNK);
    }

    @Test
    void lengths_usedFitsInLengthOf256()
    {
        assertThat(Tcb.LENGTH).isEqualTo(256);
        assertThat(Tcb.USED_LENGTH).isLessThanOrEqualTo(Tcb.LENGTH);
    }

    @Test
    void layout_fieldsAreDisjointAndWithinUsedLength()
    {
        final List<FieldSpec> byOffset = new ArrayList<>(FIELDS);
        byOffset.sort(Comparator.comparingInt(FieldSpec::offset));
        for (int i = 1; i < byOffset.size(); i++)
        {
            final FieldSpec before = byOffset.get(i - 1);
            assertThat(before.offset() + before.size())
                .as("%s ends before %s", before.name(), byOffset.get(i).name())
                .isLessThanOrEqualTo(byOffset.get(i).offset());
        }
        final FieldSpec last = byOffset.get(byOffset.size() - 1);
        assertThat(last.offset() + last.size()).isEqualTo(Tcb.USED_LENGTH);
        for (final FieldSpec field : FIELDS)
        {
            assertThat(field.offset() % field.size()).as("%s aligned", field.name()).isZero();
        }
    }

    @Test
    void everySetter_writesExactlyItsOwnBytes()
    {
        for (final FieldSpec field : FIELDS)
        {
            fillJunk();
            field.setter().apply(tcb, 0L);
            for (int i = 0; i < buffer.capacity(); i++)
            {
                final boolean inField = i >= AT + field.offset() && i < AT + field.offset() + field.size();
                assertThat(buffer.getByte(i))
                    .as("%s setter, byte %d", field.name(), i - AT)
                    .isEqualTo(inField ? (byte)0 : JUNK);
            }
        }
    }

    @Test
    void everyGetter_returnsWhatItsSetterSet()
    {
        for (final FieldSpec field : FIELDS)
        {
            for (final long value : new long[] {0, 1, field.allOnes(), field.distinctValue(0x81)})
            {
                fillJunk();
                assertThat(field.setter().apply(tcb, value)).as("%s setter is fluent", field.name()).isSameAs(tcb);
                assertThat(field.getter().applyAsLong(tcb)).as(field.name()).isEqualTo(value);
            }
        }
    }

    @Test
    void allFields_setToDistinctValues_readBackUnchanged()
    {
        fillJunk();
        final Set<Long> values = new HashSet<>();
        for (int f = 0; f < FIELDS.size(); f++)
        {
            final FieldSpec field = FIELDS.get(f);
            final long value = field.distinctValue(f * 9 + 1);
            assertThat(values.add(value)).isTrue();
            field.setter().apply(tcb, value);
        }
        for (int f = 0; f < FIELDS.size(); f++)
        {
            final FieldSpec field = FIELDS.get(f);
            assertThat(field.getter().applyAsLong(tcb)).as(field.name()).isEqualTo(field.distinctValue(f * 9 + 1));
        }
        for (int i = 0; i < AT; i++)
        {
            assertThat(buffer.getByte(i)).as("byte %d before the TCB", i).isEqualTo(JUNK);
            assertThat(buffer.getByte(AT + Tcb.LENGTH + i)).as("byte %d after the TCB", i).isEqualTo(JUNK);
        }
    }

    @Test
    void unsignedFields_holdTheirFullRange()
    {
        for (int value = 0; value <= 0xFFFF; value++)
        {
            tcb.localPort(value).remotePort(0xFFFF - value).sndMss(value ^ 0x8000);
            assertThat(tcb.localPort()).isEqualTo(value);
            assertThat(tcb.remotePort()).isEqualTo(0xFFFF - value);
            assertThat(tcb.sndMss()).isEqualTo(value ^ 0x8000);
        }
        for (int value = 0; value <= 0xFF; value++)
        {
            tcb.sndWindowShift(value).rcvWindowShift(0xFF - value);
            assertThat(tcb.sndWindowShift()).isEqualTo(value);
            assertThat(tcb.rcvWindowShift()).isEqualTo(0xFF - value);
        }
    }

    @Test
    void flags_setClearHas_eachBitIndependent()
    {
        final int[] all = {
            Tcb.F_PASSIVE_OPEN, Tcb.F_SACK_OK, Tcb.F_TIMESTAMPS_OK, Tcb.F_WINDOW_SCALE_OK, Tcb.F_FIN_SENT,
            Tcb.F_FIN_RECEIVED, Tcb.F_APP_CLOSED, Tcb.F_ACCEPT_PENDING, Tcb.F_CLOSE_REPORTED};
        int union = 0;
        for (final int flag : all)
        {
            assertThat(Integer.bitCount(flag)).isEqualTo(1);
            assertThat(union & flag).isZero();
            union |= flag;
        }

        fillJunk();
        tcb.flags(0);
        for (final int flag : all)
        {
            assertThat(tcb.setFlag(flag)).isSameAs(tcb);
            assertThat(tcb.hasFlag(flag)).isTrue();
        }
        assertThat(tcb.flags()).isEqualTo(union);
        for (final int flag : all)
        {
            assertThat(tcb.clearFlag(flag)).isSameAs(tcb);
            assertThat(tcb.hasFlag(flag)).isFalse();
            for (final int other : all)
            {
                assertThat(tcb.hasFlag(other)).isEqualTo(Integer.compareUnsigned(other, flag) > 0);
            }
        }
        assertThat(tcb.flags()).isZero();

        tcb.setFlag(Tcb.F_FIN_SENT).setFlag(Tcb.F_FIN_SENT);
        assertThat(tcb.flags()).isEqualTo(Tcb.F_FIN_SENT);
        tcb.clearFlag(Tcb.F_SACK_OK);
        assertThat(tcb.flags()).isEqualTo(Tcb.F_FIN_SENT);
        assertThat(tcb.state()).as("flags do not leak into neighbours").isEqualTo(0xA5A5_A5A5);
        assertThat(tcb.iss()).as("flags do not leak into neighbours").isEqualTo(0xA5A5_A5A5);
    }

    @Test
    void keyEquals_exactKeyTrue_anyOneFieldDifferentFalse()
    {
        final TableKey[] keys = {
            TableKey.v4(0x7F00_0001, 0xFFFF, 0xFFFF_FFFF, 0x8000),
            new TableKey(-1L, Long.MIN_VALUE, 0, 0x8000_0000_0000_0000L, -2L, 0xFFFF)};
        for (final TableKey key : keys)
        {
            fillJunk();
            tcb.localHi(key.localHi()).localLo(key.localLo()).localPort(key.localPort())
                .remoteHi(key.remoteHi()).remoteLo(key.remoteLo()).remotePort(key.remotePort());

            assertThat(key.matches(tcb)).isTrue();
            assertThat(TableKey.of(tcb)).isEqualTo(key);
            for (int field = 0; field < 6; field++)
            {
                assertThat(key.withFieldChanged(field).matches(tcb)).as("field %d changed", field).isFalse();
            }
            final TableKey swapped = new TableKey(
                key.remoteHi(), key.remoteLo(), key.remotePort(), key.localHi(), key.localLo(), key.localPort());
            assertThat(swapped.matches(tcb)).isFalse();
        }
    }

    @Test
    void wrap_positionsOnOffsetAndReturnsThis()
    {
        final Tcb other = new Tcb();

        assertThat(other.wrap(buffer, 2 * Tcb.LENGTH)).isSameAs(other);
        assertThat(other.offset()).isEqualTo(2 * Tcb.LENGTH);
        other.userData(7);
        tcb.userData(9);
        assertThat(other.userData()).isEqualTo(7);
        assertThat(buffer.getLong(2 * Tcb.LENGTH + Tcb.USER_DATA_OFFSET)).isEqualTo(7);
    }
}
