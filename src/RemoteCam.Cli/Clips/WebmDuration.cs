using System.Buffers.Binary;

namespace RemoteCam.Cli.Clips;

/// <summary>
/// Writes a WebM's Duration when it has none (MediaRecorder in chunked mode leaves it out, so players
/// show no length and cannot seek): the Segment's Info gets a Duration element, in a Void element it
/// already reserves when there is room, else inserted (the Segment's size is grown when it is known).
/// A file with a SeekHead and no room is left as it is (its positions would move).
/// </summary>
internal static class WebmDuration
{
    private const uint Ebml = 0x1A45DFA3;
    private const uint Segment = 0x18538067;
    private const uint Info = 0x1549A966;
    private const uint SeekHead = 0x114D9B74;
    private const uint DurationId = 0x4489;
    private const uint TimecodeScale = 0x2AD7B1;
    private const uint Void = 0xEC;

    /// <summary>The file with a Duration of <paramref name="durationMs"/>, or null when it has one already or cannot get one.</summary>
    public static byte[]? Patch(byte[] file, long durationMs)
    {
        try
        {
            return TryPatch(file, durationMs);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidDataException)
        {
            return null;
        }
    }

    private static byte[]? TryPatch(byte[] file, long durationMs)
    {
        var (id, size, at) = Element(file, 0);
        if (id != Ebml)
        {
            return null;
        }

        var segmentStart = at + (int)size;
        var (segmentId, segmentSize, segmentData) = Element(file, segmentStart);
        if (segmentId != Segment)
        {
            return null;
        }

        var unknownSize = segmentSize == ulong.MaxValue;
        var end = unknownSize ? file.Length : (int)Math.Min(file.Length, segmentData + (long)segmentSize);
        var sawSeekHead = false;
        for (var p = segmentData; p < end;)
        {
            var (childId, childSize, childData) = Element(file, p);
            if (childId == SeekHead)
            {
                sawSeekHead = true;
            }

            if (childId != Info)
            {
                if (childSize == ulong.MaxValue)
                {
                    return null;
                }

                p = childData + (int)childSize;
                continue;
            }

            var infoEnd = childData + (int)childSize;
            var scale = 1_000_000UL;
            int? voidAt = null;
            var voidLength = 0;
            for (var q = childData; q < infoEnd;)
            {
                var (grandId, grandSize, grandData) = Element(file, q);
                if (grandId == DurationId && ReadFloat(file, grandData, (int)grandSize) > 0)
                {
                    return null;
                }

                if (grandId == TimecodeScale)
                {
                    scale = ReadUInt(file, grandData, (int)grandSize);
                }

                if (grandId == Void && voidAt is null)
                {
                    voidAt = q;
                    voidLength = grandData + (int)grandSize - q;
                }

                q = grandData + (int)grandSize;
            }

            var duration = DurationElement(durationMs * 1_000_000.0 / scale);
            if (voidAt is { } v && (voidLength == duration.Length || voidLength >= duration.Length + 2))
            {
                var patched = (byte[])file.Clone();
                duration.CopyTo(patched, v);
                if (voidLength > duration.Length)
                {
                    VoidElement(voidLength - duration.Length).CopyTo(patched, v + duration.Length);
                }

                return patched;
            }

            if (sawSeekHead)
            {
                return null;
            }

            // Insert: Info gets a new 8-byte size; the Segment's size (when known) grows as much.
            var newInfoSize = (long)childSize + duration.Length;
            var infoHeader = new byte[4 + 8];
            BinaryPrimitives.WriteUInt32BigEndian(infoHeader, Info);
            WriteSize8(infoHeader.AsSpan(4), newInfoSize);
            var delta = infoHeader.Length + newInfoSize - (infoEnd - p);
            using var output = new MemoryStream(file.Length + (int)delta);
            output.Write(file, 0, p);
            output.Write(infoHeader);
            output.Write(file, childData, (int)childSize);
            output.Write(duration);
            output.Write(file, infoEnd, file.Length - infoEnd);
            var result = output.ToArray();
            if (!unknownSize)
            {
                var sizeAt = segmentStart + 4;
                var sizeLength = VintLength(file[sizeAt]);
                if (sizeLength != 8)
                {
                    return null;
                }

                WriteSize8(result.AsSpan(sizeAt), (long)segmentSize + delta);
            }

            return result;
        }

        return null;
    }

    private static byte[] DurationElement(double value)
    {
        var e = new byte[2 + 1 + 8];
        e[0] = 0x44;
        e[1] = 0x89;
        e[2] = 0x88;
        BinaryPrimitives.WriteDoubleBigEndian(e.AsSpan(3), value);
        return e;
    }

    private static byte[] VoidElement(int length)
    {
        // ID (1 byte) + an 8-byte size when it fits, else a 1-byte size.
        var e = new byte[length];
        e[0] = (byte)Void;
        if (length >= 9)
        {
            WriteSize8(e.AsSpan(1), length - 9);
        }
        else
        {
            e[1] = (byte)(0x80 | (length - 2));
        }

        return e;
    }

    private static void WriteSize8(Span<byte> at, long size) => BinaryPrimitives.WriteUInt64BigEndian(at, 0x0100000000000000UL | (ulong)size);

    private static int VintLength(byte first)
    {
        for (var i = 0; i < 8; i++)
        {
            if ((first & (0x80 >> i)) != 0)
            {
                return i + 1;
            }
        }

        throw new InvalidDataException("not an EBML number");
    }

    /// <summary>An element at <paramref name="at"/>: its id, its size (ulong.MaxValue when unknown), where its data begins.</summary>
    private static (uint Id, ulong Size, int Data) Element(byte[] file, int at)
    {
        var idLength = VintLength(file[at]);
        if (idLength > 4)
        {
            throw new InvalidDataException("not an EBML id");
        }

        uint id = 0;
        for (var i = 0; i < idLength; i++)
        {
            id = (id << 8) | file[at + i];
        }

        var p = at + idLength;
        var sizeLength = VintLength(file[p]);
        var size = (ulong)(file[p] & (0xFF >> sizeLength));
        var allOnes = size == (ulong)(0xFF >> sizeLength);
        for (var i = 1; i < sizeLength; i++)
        {
            size = (size << 8) | file[p + i];
            allOnes &= file[p + i] == 0xFF;
        }

        return (id, allOnes ? ulong.MaxValue : size, p + sizeLength);
    }

    private static ulong ReadUInt(byte[] file, int at, int length)
    {
        ulong v = 0;
        for (var i = 0; i < length; i++)
        {
            v = (v << 8) | file[at + i];
        }

        return v;
    }

    private static double ReadFloat(byte[] file, int at, int length) => length switch
    {
        4 => BinaryPrimitives.ReadSingleBigEndian(file.AsSpan(at, 4)),
        8 => BinaryPrimitives.ReadDoubleBigEndian(file.AsSpan(at, 8)),
        _ => 0,
    };
}
