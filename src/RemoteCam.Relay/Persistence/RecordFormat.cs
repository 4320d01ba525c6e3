using System.Buffers.Binary;
using System.Globalization;

namespace RemoteCam.Relay.Persistence;

/// <summary>
/// On-disk layout of journal segments (all integers little-endian):
/// <code>
/// segment header (16 bytes): "RCJL" | version u16 = 1 | reserved u16 = 0 | segment number u64
/// record (8 + n bytes):      payload length u32 | CRC-32C u32 | payload (n bytes)
/// </code>
/// The CRC covers the length field and the payload, so a damaged length cannot pair with a payload
/// that happens to check out, and a zero-filled tail (as some file systems leave after a crash)
/// never parses as a valid empty record.
/// </summary>
internal static class RecordFormat
{
    public const int SegmentHeaderSize = 16;
    public const int RecordHeaderSize = 8;
    public const ushort Version = 1;

    /// <summary>Largest payload one record may hold; keeps a record and its header within one array.</summary>
    public const int MaxRecordSize = int.MaxValue - 1024;

    private const string SegmentPrefix = "journal-";
    private const string SegmentSuffix = ".log";
    private static ReadOnlySpan<byte> SegmentMagic => "RCJL"u8;

    public static string SegmentFileName(long number) => SegmentPrefix + number.ToString("D12", CultureInfo.InvariantCulture) + SegmentSuffix;

    public static bool TryParseSegmentFileName(string fileName, out long number) => TryParseNumber(fileName, SegmentPrefix, SegmentSuffix, out number);

    public static bool TryParseNumber(string fileName, string prefix, string suffix, out long number)
    {
        number = 0;
        return fileName.StartsWith(prefix, StringComparison.Ordinal)
            && fileName.EndsWith(suffix, StringComparison.Ordinal)
            && fileName.Length > prefix.Length + suffix.Length
            && long.TryParse(fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number > 0;
    }

    public static void WriteSegmentHeader(Span<byte> destination, long number)
    {
        SegmentMagic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], number);
    }

    /// <summary>Null when the header is valid for segment <paramref name="number"/>, else why not.</summary>
    public static string? CheckSegmentHeader(ReadOnlySpan<byte> header, long number)
    {
        if (!header[..4].SequenceEqual(SegmentMagic))
        {
            return "not a journal segment (bad magic)";
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != Version)
        {
            return $"unsupported journal version {version}";
        }

        var stored = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        return stored == number ? null : $"header names segment {stored}";
    }

    /// <summary>Writes the 8-byte record header for <paramref name="payload"/>.</summary>
    public static void WriteRecordHeader(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], RecordChecksum(destination[..4], payload));
    }

    public static uint RecordChecksum(ReadOnlySpan<byte> lengthField, ReadOnlySpan<byte> payload) =>
        Crc32C.Finish(Crc32C.Update(Crc32C.Update(Crc32C.Start(), lengthField), payload));
}
