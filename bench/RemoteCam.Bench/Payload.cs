using System.Buffers.Text;
using System.Text.Json;

namespace RemoteCam.Bench;

/// <summary>
/// The probe payload <c>{"s":seq,"t":microseconds}</c>; <c>t</c> is microseconds since <see cref="Clock"/>'s start,
/// valid because the publishers and the subscribers live in the same process.
/// </summary>
internal static class Payload
{
    public static byte[] Encode(long sequence, long sentMicros) => Encode(sequence, sentMicros, 0);

    /// <summary>The probe with a <c>"p"</c> string of <paramref name="padding"/> characters, for messages of a realistic size.</summary>
    public static byte[] Encode(long sequence, long sentMicros, int padding)
    {
        Span<byte> buffer = stackalloc byte[64];
        int length = 0;
        "{\"s\":"u8.CopyTo(buffer);
        length += 5;
        Utf8Formatter.TryFormat(sequence, buffer[length..], out int written);
        length += written;
        ",\"t\":"u8.CopyTo(buffer[length..]);
        length += 5;
        Utf8Formatter.TryFormat(sentMicros, buffer[length..], out written);
        length += written;
        if (padding <= 0)
        {
            buffer[length++] = (byte)'}';
            return buffer[..length].ToArray();
        }

        byte[] padded = new byte[length + 8 + padding];
        buffer[..length].CopyTo(padded);
        ",\"p\":\""u8.CopyTo(padded.AsSpan(length));
        padded.AsSpan(length + 6, padding).Fill((byte)'x');
        padded[^2] = (byte)'"';
        padded[^1] = (byte)'}';
        return padded;
    }

    /// <summary>
    /// Finds the "s" and "t" numbers anywhere in a JSON document, so it reads both nchan's raw payload and
    /// the relay's <c>{"path":"/","data":{...}}</c> envelope. Returns false for anything else (keep-alives, nulls).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> json, out long sequence, out long sentMicros)
    {
        sequence = -1;
        sentMicros = -1;
        if (json.IsEmpty || json.IndexOf("\"s\""u8) < 0)
        {
            return false;
        }

        try
        {
            Utf8JsonReader reader = new(json);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                bool isS = reader.ValueTextEquals("s"u8);
                bool isT = !isS && reader.ValueTextEquals("t"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType == JsonTokenType.Number)
                {
                    if (isS)
                    {
                        sequence = reader.GetInt64();
                    }
                    else if (isT)
                    {
                        sentMicros = reader.GetInt64();
                    }
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return sequence >= 0 && sentMicros >= 0;
    }
}

/// <summary>Process-wide monotonic microsecond clock.</summary>
internal static class Clock
{
    private static readonly long s_start = System.Diagnostics.Stopwatch.GetTimestamp();

    public static long NowMicros => System.Diagnostics.Stopwatch.GetElapsedTime(s_start).Ticks / 10;
}
