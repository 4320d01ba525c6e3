namespace RemoteCam.Relay.Transports.WebSocket;

/// <summary>
/// Firebase's framing (WebSocketConnection.ts): a message longer than 16,384 characters is sent
/// as a frame holding the count, then that many pieces. Counts are UTF-16 code units, as the SDK
/// counts them; the relay never cuts a character (a surrogate pair stays in one piece), since a
/// piece must be valid UTF-8 on its own.
/// </summary>
internal static class WsFraming
{
    /// <summary>The largest count a frame may announce: the SDK reads a frame of at most 6 characters as a count.</summary>
    public const int MaxCountDigits = 6;

    /// <summary>Splits UTF-8 <paramref name="message"/> into pieces of at most <paramref name="maxChars"/> UTF-16 units.</summary>
    public static List<ArraySegment<byte>> Split(byte[] message, int maxChars)
    {
        var pieces = new List<ArraySegment<byte>>();
        var start = 0;
        var chars = 0;
        var i = 0;
        while (i < message.Length)
        {
            var b = message[i];
            var (bytes, units) = b < 0x80 ? (1, 1) : b < 0xE0 ? (2, 1) : b < 0xF0 ? (3, 1) : (4, 2);
            if (chars + units > maxChars)
            {
                pieces.Add(new ArraySegment<byte>(message, start, i - start));
                start = i;
                chars = 0;
            }

            chars += units;
            i += bytes;
        }

        pieces.Add(new ArraySegment<byte>(message, start, message.Length - start));
        return pieces;
    }

    /// <summary>A frame of at most 6 characters that is a whole number: a frame count (0 is a keep-alive).</summary>
    public static bool TryCount(ReadOnlySpan<byte> frame, out int count)
    {
        count = 0;
        if (frame.Length is 0 or > MaxCountDigits)
        {
            return false;
        }

        foreach (var b in frame)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            count = (count * 10) + (b - '0');
        }

        return true;
    }
}
