using System.Text;

using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Tests.Persistence;

public sealed class JournalLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string DataDir => _temp.Sub("data");

    private static byte[] Rec(int i) => Encoding.UTF8.GetBytes($"{{\"p\":\"/items/{i}\",\"v\":{i}}}");

    private static List<string> Texts(IEnumerable<byte[]> records) => [.. records.Select(r => Encoding.UTF8.GetString(r))];

    private static List<string> Texts(IEnumerable<int> ids) => Texts(ids.Select(Rec));

    private JournalLog Open(JournalOptions? options = null) => new(DataDir, options ?? JournalOptions.Default);

    /// <summary>Opens, recovers, appends <paramref name="batches"/> (one commit each) and closes.</summary>
    private RecoveredState Session(params int[][] batches)
    {
        using var log = Open();
        var state = log.Recover();
        foreach (var batch in batches)
        {
            foreach (var i in batch)
            {
                log.Append(Rec(i));
            }

            log.Commit();
        }

        return state;
    }

    private RecoveredState RecoverOnly(JournalOptions? options = null)
    {
        using var log = Open(options);
        return log.Recover();
    }

    private string[] Segments() => [.. Directory.GetFiles(DataDir, "journal-*.log").Select(Path.GetFileName).Order()!];

    private string[] Snapshots() => [.. Directory.GetFiles(DataDir, "snapshot-*.snap").Select(Path.GetFileName).Order()!];

    private static Action<Stream> Writes(string state) => s => s.Write(Encoding.UTF8.GetBytes(state));

    public static TheoryData<int[][]> RoundTripCases => new()
    {
        Array.Empty<int[]>(),
        new[] { new[] { 1 } },
        new[] { new[] { 1, 2, 3 } },
        new[] { new[] { 1 }, new[] { 2, 3 }, Array.Empty<int>(), new[] { 4 } },
        new[] { Enumerable.Range(0, 5000).ToArray() },
    };

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void CommittedRecordsAreRecoveredInOrder(int[][] batches)
    {
        var first = Session(batches);
        var recovered = RecoverOnly();

        Assert.Null(first.Snapshot);
        Assert.Empty(first.Records);
        Assert.Null(recovered.Snapshot);
        Assert.Equal(Texts(batches.SelectMany(b => b)), Texts(recovered.Records));
        Assert.Equal(0, recovered.DroppedBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(3_000_000)] // larger than the initial append buffer
    public void RecordsOfAnySizeRoundTrip(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        using (var log = Open())
        {
            log.Recover();
            log.Append(payload);
            log.Append([7]);
            log.Commit();
        }

        var recovered = RecoverOnly();

        Assert.Equal(2, recovered.Records.Count);
        Assert.Equal(payload, recovered.Records[0]);
        Assert.Equal([7], recovered.Records[1]);
    }

    [Fact]
    public void UncommittedRecordsAreNotWritten()
    {
        using (var log = Open())
        {
            log.Recover();
            log.Append(Rec(1));
            log.Commit();
            var length = new FileInfo(Path.Combine(DataDir, Segments().Single())).Length;
            log.Commit(); // nothing buffered: nothing written
            Assert.Equal(length, new FileInfo(Path.Combine(DataDir, Segments().Single())).Length);
            log.Append(Rec(2)); // never committed
        }

        Assert.Equal(Texts([1]), Texts(RecoverOnly().Records));
    }

    [Fact]
    public void ReopeningContinuesTheJournal()
    {
        Session([1, 2]);
        var second = Session([3], [4]);
        var third = Session([5]);

        Assert.Equal(Texts([1, 2]), Texts(second.Records));
        Assert.Equal(Texts([1, 2, 3, 4]), Texts(third.Records));
        Assert.Equal(Texts([1, 2, 3, 4, 5]), Texts(RecoverOnly().Records));
        Assert.Single(Segments());
    }

    [Fact]
    public async Task SnapshotReplacesCoveredSegments()
    {
        using (var log = Open())
        {
            log.Recover();
            for (var i = 0; i < 100; i++)
            {
                log.Append(Rec(i));
                log.Commit();
            }

            var snapshot = log.SnapshotAsync(Writes("state-after-99"));
            for (var i = 100; i < 150; i++)
            {
                log.Append(Rec(i));
                log.Commit();
            }

            await snapshot;
        }

        Assert.Equal(["journal-000000000002.log"], Segments());
        Assert.Equal(["snapshot-000000000002.snap"], Snapshots());

        var recovered = RecoverOnly();

        Assert.Equal("state-after-99", Encoding.UTF8.GetString(recovered.Snapshot!));
        Assert.Equal(Texts(Enumerable.Range(100, 50)), Texts(recovered.Records));
    }

    [Fact]
    public async Task ManySnapshotsAcrossSessionsKeepOnlyTheNewest()
    {
        for (var session = 0; session < 4; session++)
        {
            using var log = Open();
            var state = log.Recover();
            var expectedSnapshot = session == 0 ? null : $"state-{session - 1}";
            Assert.Equal(expectedSnapshot, state.Snapshot is null ? null : Encoding.UTF8.GetString(state.Snapshot));
            Assert.Equal(session == 0 ? [] : Texts([(session * 10) - 1]), Texts(state.Records));

            for (var i = session * 10; i < (session * 10) + 9; i++)
            {
                log.Append(Rec(i));
            }

            log.Commit();
            await log.SnapshotAsync(Writes($"state-{session}"));
            log.Append(Rec((session * 10) + 9));
            log.Commit();
        }

        Assert.Single(Segments());
        Assert.Single(Snapshots());
    }

    [Fact]
    public async Task SnapshotDueFollowsJournalBytes()
    {
        using var log = Open(new JournalOptions(SnapshotAfterBytes: 1000));
        log.Recover();
        Assert.False(log.SnapshotDue);

        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        while (!log.SnapshotDue)
        {
            log.Append(new byte[100]);
            log.Commit();
        }

        var snapshot = log.SnapshotAsync(s =>
        {
            entered.Set();
            release.Wait();
            s.WriteByte(1);
        });
        entered.Wait();
        for (var i = 0; i < 20; i++)
        {
            log.Append(new byte[100]);
            log.Commit();
        }

        Assert.False(log.SnapshotDue); // one at a time
        Assert.Throws<InvalidOperationException>(() => { _ = log.SnapshotAsync(_ => { }); });
        release.Set();
        await snapshot;

        Assert.True(log.SnapshotDue); // 20 commits went to the new segment meanwhile
    }

    [Fact]
    public void SnapshotNeedsACommittedJournal()
    {
        using var log = Open();
        log.Recover();
        log.Append(Rec(1));

        Assert.Throws<InvalidOperationException>(() => { _ = log.SnapshotAsync(_ => { }); });
    }

    [Fact]
    public async Task FailedSnapshotLeavesTheJournalIntact()
    {
        using (var log = Open())
        {
            log.Recover();
            log.Append(Rec(1));
            log.Commit();
            await Assert.ThrowsAsync<InvalidOperationException>(() => log.SnapshotAsync(_ => throw new InvalidOperationException("boom")));
            log.Append(Rec(2));
            log.Commit();
        }

        Assert.Empty(Snapshots());
        Assert.Empty(Directory.GetFiles(DataDir, "*.tmp"));
        Assert.Equal(Texts([1, 2]), Texts(RecoverOnly().Records));
    }

    [Fact]
    public void TornTailAtEveryOffsetIsDroppedAndAppendsContinue()
    {
        using (var log = Open())
        {
            log.Recover();
            log.Append(Rec(1));
            log.Append(Rec(2));
            log.Commit();
            log.Append(Rec(3));
            log.Commit();
        }

        var segment = Path.Combine(DataDir, Segments().Single());
        var full = File.ReadAllBytes(segment);
        var lastRecordStart = full.Length - (8 + Rec(3).Length);

        for (var cut = lastRecordStart; cut < full.Length; cut++)
        {
            File.WriteAllBytes(segment, full.AsSpan(0, cut).ToArray());

            using (var log = Open())
            {
                var state = log.Recover();
                Assert.Equal(Texts([1, 2]), Texts(state.Records));
                Assert.Equal(cut - lastRecordStart, state.DroppedBytes);
                log.Append(Rec(4));
                log.Commit();
            }

            var after = RecoverOnly();
            Assert.Equal(Texts([1, 2, 4]), Texts(after.Records));
            Assert.Equal(0, after.DroppedBytes);
        }
    }

    [Theory]
    [InlineData(0)] // length field: the record now runs past the end of the file
    [InlineData(3)] // high byte of the length field
    [InlineData(4)] // checksum field
    [InlineData(8)] // first payload byte
    [InlineData(-1)] // last payload byte
    public void CorruptedLastRecordIsDropped(int offsetInRecord)
    {
        Session([1, 2], [3]);
        var segment = Path.Combine(DataDir, Segments().Single());
        var bytes = File.ReadAllBytes(segment);
        var recordLength = 8 + Rec(3).Length;
        var start = bytes.Length - recordLength;
        bytes[offsetInRecord >= 0 ? start + offsetInRecord : bytes.Length + offsetInRecord] ^= 0x5A;
        File.WriteAllBytes(segment, bytes);

        var state = Session([4]);

        Assert.Equal(Texts([1, 2]), Texts(state.Records));
        Assert.Equal(recordLength, state.DroppedBytes);
        Assert.Equal(Texts([1, 2, 4]), Texts(RecoverOnly().Records));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void TornSegmentHeaderIsRewritten(int length)
    {
        Session([1]);
        var segment = Path.Combine(DataDir, Segments().Single());
        File.WriteAllBytes(segment, File.ReadAllBytes(segment).AsSpan(0, length).ToArray());

        var state = Session([2]);

        Assert.Empty(state.Records);
        Assert.Equal(length, state.DroppedBytes);
        Assert.Equal(Texts([2]), Texts(RecoverOnly().Records));
    }

    [Fact]
    public async Task CorruptionBeforeTheLastSegmentRefusesToStart()
    {
        using (var log = Open(new JournalOptions(KeepPreviousSnapshot: true)))
        {
            log.Recover();
            log.Append(Rec(1));
            log.Commit();
            await log.SnapshotAsync(Writes("s2"));
            log.Append(Rec(2));
            log.Commit();
            await log.SnapshotAsync(Writes("s3"));
            log.Append(Rec(3));
            log.Commit();
        }

        // Make the newest snapshot unusable so replay must go through segment 2, then damage it.
        CorruptByte(Path.Combine(DataDir, "snapshot-000000000003.snap"), 33);
        var segment2 = Path.Combine(DataDir, "journal-000000000002.log");
        CorruptByte(segment2, 20);

        var ex = Assert.Throws<IOException>(() => RecoverOnly());

        Assert.Contains(segment2, ex.Message);
        Assert.Contains("newer segment", ex.Message);
    }

    [Theory]
    [InlineData("flip", 0)] // magic
    [InlineData("flip", 20)] // payload length in the header
    [InlineData("flip", 24)] // payload checksum
    [InlineData("flip", 32)] // payload
    [InlineData("flip", -1)] // last payload byte
    [InlineData("truncate", 31)] // inside the header
    [InlineData("truncate", 35)] // inside the payload
    public async Task CorruptedSnapshotFallsBackToThePreviousOne(string damage, int offset)
    {
        var options = new JournalOptions(KeepPreviousSnapshot: true);
        using (var log = Open(options))
        {
            log.Recover();
            log.Append(Rec(1));
            log.Commit();
            await log.SnapshotAsync(Writes("state-1"));
            log.Append(Rec(2));
            log.Commit();
            await log.SnapshotAsync(Writes("state-1-2"));
            log.Append(Rec(3));
            log.Commit();
        }

        Assert.Equal(["snapshot-000000000002.snap", "snapshot-000000000003.snap"], Snapshots());
        var newest = Path.Combine(DataDir, "snapshot-000000000003.snap");
        if (damage == "flip")
        {
            CorruptByte(newest, offset);
        }
        else
        {
            File.WriteAllBytes(newest, File.ReadAllBytes(newest).AsSpan(0, offset).ToArray());
        }

        using var reopened = Open(options);
        var state = reopened.Recover();

        Assert.Equal("state-1", Encoding.UTF8.GetString(state.Snapshot!));
        Assert.Equal(Texts([2, 3]), Texts(state.Records));
        Assert.Contains(reopened.RecoveryNotes, n => n.Contains("snapshot-000000000003.snap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CorruptedOnlySnapshotIsAClearError()
    {
        using (var log = Open())
        {
            log.Recover();
            log.Append(Rec(1));
            log.Commit();
            await log.SnapshotAsync(Writes("state-1"));
        }

        CorruptByte(Path.Combine(DataDir, Snapshots().Single()), 35);

        var ex = Assert.Throws<IOException>(() => RecoverOnly());

        Assert.Contains("payload checksum mismatch", ex.Message);
        Assert.Contains("cannot be recovered", ex.Message);
    }

    [Fact]
    public void MissingFirstSegmentIsAClearError()
    {
        Session([1]);
        File.Move(Path.Combine(DataDir, "journal-000000000001.log"), Path.Combine(DataDir, "journal-000000000002.log"));

        var ex = Assert.Throws<IOException>(() => RecoverOnly());

        Assert.Contains("segment 1", ex.Message);
    }

    [Fact]
    public void LeftoverSnapshotTempFileIsIgnored()
    {
        Session([1]);
        File.WriteAllText(Path.Combine(DataDir, "snapshot-000000000002.snap.tmp"), "half a snap");

        Assert.Equal(Texts([1]), Texts(RecoverOnly().Records));
        Assert.Empty(Directory.GetFiles(DataDir, "*.tmp"));
    }

    [Fact]
    public void SecondOpenOfTheSameDirectoryIsRefused()
    {
        using (var first = Open())
        {
            first.Recover();
            var ex = Assert.Throws<IOException>(() => Open());
            Assert.Contains("is in use by another relay process", ex.Message);
        }

        using var again = Open();
        Assert.Empty(again.Recover().Records);
    }

    [Fact]
    public void WritesBeforeRecoverAreRefused()
    {
        using var log = Open();

        Assert.Throws<InvalidOperationException>(() => log.Append(Rec(1)));
    }

    [Fact]
    public void DataDirectoryIsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(DataDir);
        File.SetUnixFileMode(DataDir, (UnixFileMode)Convert.ToInt32("755", 8));
        Session([1]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataDir, Segments().Single())));
    }

    [Fact]
    public void Crc32CMatchesTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    private static void CorruptByte(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }
}
