using RemoteCam.Relay.Data;

namespace RemoteCam.Relay.Engine;

/// <summary>A resolved change: a value set at a path, or (with children) a multi-path update.</summary>
internal sealed record Change(DataPath Path, Node? Value, IReadOnlyList<KeyValuePair<DataPath, Node?>>? Children);

/// <summary>
/// What one listened location hears of an applied write, in no wire format: a value set at
/// <see cref="Path"/>, or children replaced under it (a merge). Every listener of that location
/// gets the same event, and each transport asks it for its own encoding through
/// <see cref="Encoded{T}"/>, so a frame shared by many listeners is made once. For a listener
/// below the written location, the event is the new value of the listened location itself.
/// </summary>
internal sealed class ChangeEvent
{
    private object?[]? _encodings;
    private DataPath? _relative;

    public ChangeEvent(long sequence, DataPath listened, DataPath path, Node? value, IReadOnlyList<KeyValuePair<DataPath, Node?>>? children, Node? before, Node? after)
    {
        Sequence = sequence;
        Listened = listened;
        Path = path;
        Value = value;
        Children = children;
        Before = before;
        After = after;
    }

    /// <summary>The write's number in its database: events of one write share it.</summary>
    public long Sequence { get; }

    /// <summary>The location the listeners listen to.</summary>
    public DataPath Listened { get; }

    /// <summary>Where the change applies: at or below <see cref="Listened"/>.</summary>
    public DataPath Path { get; }

    /// <summary><see cref="Path"/> relative to <see cref="Listened"/>.</summary>
    public DataPath Relative => _relative ??= Path.RelativeTo(Listened);

    /// <summary>The value now at <see cref="Path"/> (null: deleted); unused for a merge.</summary>
    public Node? Value { get; }

    /// <summary>For a merge: each relative path (from <see cref="Path"/>) and its new value; null for a set.</summary>
    public IReadOnlyList<KeyValuePair<DataPath, Node?>>? Children { get; }

    public bool IsMerge => Children is not null;

    /// <summary>The database root before the write.</summary>
    public Node? Before { get; }

    /// <summary>The database root after the write (queries recompute their window from it).</summary>
    public Node? After { get; }

    /// <summary>
    /// This event in <paramref name="encoding"/>, made on first use and shared after. Called by
    /// listeners while the feed delivers, which happens on one thread at a time.
    /// </summary>
    public T Encoded<T>(EventEncoding<T> encoding)
        where T : class
    {
        var slot = encoding.Slot;
        if (_encodings is null || _encodings.Length <= slot)
        {
            Array.Resize(ref _encodings, Math.Max(slot + 1, 4));
        }

        return (T)(_encodings[slot] ??= encoding.Encode(this));
    }
}

/// <summary>One way a transport writes change events (e.g. SSE with priorities); see <see cref="ChangeEvent.Encoded{T}"/>.</summary>
internal sealed class EventEncoding<T>(Func<ChangeEvent, T> encode)
    where T : class
{
    private static int s_slots;

    internal int Slot { get; } = Interlocked.Increment(ref s_slots) - 1;

    internal T Encode(ChangeEvent change) => encode(change);
}
