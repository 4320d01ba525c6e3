using System.Buffers.Binary;

namespace RemoteCam.Relay.Persistence;

/// <summary>One journal segment file: reading it back at start-up, and appending to the newest one.</summary>
internal sealed class JournalSegment : IDisposable
{
    private readonly FileStream _stream;

    private JournalSegment(long number, string path, FileStream stream)
    {
        Number = number;
        Path = path;
        _stream = stream;
    }

    public long Number { get; }

    public string Path { get; }

    /// <summary>Bytes in the file, all of them committed.</summary>
    public long Length => _stream.Length;

    /// <summary>Creates the segment file with its header, fsyncs it and its directory.</summary>
    public static JournalSegment Create(string directory, long number)
    {
        var path = System.IO.Path.Combine(directory, RecordFormat.SegmentFileName(number));
        var stream = OpenForAppend(path, FileMode.CreateNew);
        try
        {
            Span<byte> header = stackalloc byte[RecordFormat.SegmentHeaderSize];
            RecordFormat.WriteSegmentHeader(header, number);
            stream.Write(header);
            stream.Flush(flushToDisk: true);
            DirectorySync.Flush(directory);
            return new JournalSegment(number, path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing, already validated segment for appending after <paramref name="validLength"/>
    /// bytes, cutting off (and fsyncing the cut of) anything after them. A segment too short to hold
    /// its header is rewritten as an empty one.
    /// </summary>
    public static JournalSegment OpenExisting(string directory, long number, long validLength)
    {
        var path = System.IO.Path.Combine(directory, RecordFormat.SegmentFileName(number));
        var stream = OpenForAppend(path, FileMode.Open);
        try
        {
            if (validLength < RecordFormat.SegmentHeaderSize)
            {
                Span<byte> header = stackalloc byte[RecordFormat.SegmentHeaderSize];
                RecordFormat.WriteSegmentHeader(header, number);
                stream.SetLength(0);
                stream.Write(header);
                stream.Flush(flushToDisk: true);
            }
            else if (stream.Length != validLength)
            {
                stream.SetLength(validLength);
                stream.Flush(flushToDisk: true);
            }

            stream.Seek(0, SeekOrigin.End);
            return new JournalSegment(number, path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> with one write call and fsyncs the file.</summary>
    public void WriteAndSync(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Reads every intact record of a segment. Reading stops at the first record that is torn
    /// (runs past the end of the file) or fails its checksum; <see cref="SegmentContents.Problem"/>
    /// then says why and <see cref="SegmentContents.ValidLength"/> where the good part ends.
    /// </summary>
    public static SegmentContents Read(string path, long number)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        var fileLength = stream.Length;
        var records = new List<byte[]>();

        Span<byte> header = stackalloc byte[RecordFormat.SegmentHeaderSize];
        if (fileLength < RecordFormat.SegmentHeaderSize)
        {
            return new SegmentContents(records, 0, fileLength, "segment header is torn", HeaderTorn: true);
        }

        stream.ReadExactly(header);
        if (header.IndexOfAnyExcept((byte)0) < 0)
        {
            // Zero-filled: the file was extended but its header never reached the disk.
            return new SegmentContents(records, 0, fileLength, "segment header is torn", HeaderTorn: true);
        }

        if (RecordFormat.CheckSegmentHeader(header, number) is { } headerProblem)
        {
            return new SegmentContents(records, 0, fileLength, headerProblem, HeaderTorn: false);
        }

        long offset = RecordFormat.SegmentHeaderSize;
        Span<byte> recordHeader = stackalloc byte[RecordFormat.RecordHeaderSize];
        while (offset < fileLength)
        {
            if (fileLength - offset < RecordFormat.RecordHeaderSize)
            {
                return new SegmentContents(records, offset, fileLength, $"torn record header at offset {offset}", HeaderTorn: false);
            }

            stream.ReadExactly(recordHeader);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(recordHeader[4..]);
            if (length > RecordFormat.MaxRecordSize || length > fileLength - offset - RecordFormat.RecordHeaderSize)
            {
                return new SegmentContents(records, offset, fileLength, $"torn record at offset {offset} (length {length} runs past the end)", HeaderTorn: false);
            }

            var payload = new byte[length];
            stream.ReadExactly(payload);
            if (RecordFormat.RecordChecksum(recordHeader[..4], payload) != checksum)
            {
                return new SegmentContents(records, offset, fileLength, $"checksum mismatch in record at offset {offset}", HeaderTorn: false);
            }

            records.Add(payload);
            offset += RecordFormat.RecordHeaderSize + length;
        }

        return new SegmentContents(records, offset, fileLength, null, HeaderTorn: false);
    }

    private static FileStream OpenForAppend(string path, FileMode mode)
    {
        // No FileStream buffer: Commit hands over the whole batch in one write call anyway.
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
        };
        if (mode != FileMode.Open && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}

/// <summary>What <see cref="JournalSegment.Read"/> found in one segment.</summary>
/// <param name="Records">The intact records, in order.</param>
/// <param name="ValidLength">Bytes up to the end of the last intact record (0 when the header is bad).</param>
/// <param name="FileLength">Bytes in the file.</param>
/// <param name="Problem">Null when the whole file is intact; else what stopped the read.</param>
/// <param name="HeaderTorn">The segment header itself never fully reached the disk.</param>
internal sealed record SegmentContents(List<byte[]> Records, long ValidLength, long FileLength, string? Problem, bool HeaderTorn);
