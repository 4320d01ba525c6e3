namespace RemoteCam.Bench;

/// <summary>Receives one dispatched Server-Sent Event.</summary>
internal delegate void SseEventHandler(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data);

/// <summary>
/// Minimal incremental Server-Sent-Events parser over UTF-8 bytes: handles <c>event:</c> and <c>data:</c>
/// fields, comments, LF and CRLF line endings and lines split across reads. Other fields are ignored.
/// </summary>
internal sealed class SseParser
{
    private byte[] _line = new byte[512];
    private int _lineLength;
    private byte[] _data = new byte[512];
    private int _dataLength;
    private bool _hasData;
    private byte[] _eventType = new byte[64];
    private int _eventTypeLength;

    public void Feed(ReadOnlySpan<byte> chunk, SseEventHandler handler)
    {
        while (!chunk.IsEmpty)
        {
            int newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(ref _line, ref _lineLength, chunk);
                return;
            }

            ReadOnlySpan<byte> line;
            if (_lineLength == 0)
            {
                line = chunk[..newline];
            }
            else
            {
                Append(ref _line, ref _lineLength, chunk[..newline]);
                line = _line.AsSpan(0, _lineLength);
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            ProcessLine(line, handler);
            _lineLength = 0;
            chunk = chunk[(newline + 1)..];
        }
    }

    private void ProcessLine(ReadOnlySpan<byte> line, SseEventHandler handler)
    {
        if (line.IsEmpty)
        {
            if (_hasData || _eventTypeLength > 0)
            {
                handler(_eventType.AsSpan(0, _eventTypeLength), _data.AsSpan(0, _dataLength));
            }

            _dataLength = 0;
            _hasData = false;
            _eventTypeLength = 0;
            return;
        }

        if (line[0] == (byte)':')
        {
            return;
        }

        int colon = line.IndexOf((byte)':');
        ReadOnlySpan<byte> field = colon < 0 ? line : line[..colon];
        ReadOnlySpan<byte> value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            if (_hasData)
            {
                Append(ref _data, ref _dataLength, "\n"u8);
            }

            Append(ref _data, ref _dataLength, value);
            _hasData = true;
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventTypeLength = 0;
            Append(ref _eventType, ref _eventTypeLength, value);
        }
    }

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }
}
