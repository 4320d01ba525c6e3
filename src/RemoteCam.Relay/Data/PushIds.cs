namespace RemoteCam.Relay.Data;

/// <summary>
/// Firebase push ids: 8 characters of millisecond timestamp in base 64 followed by 12 random
/// characters; within one millisecond the random part is incremented, so ids strictly increase.
/// </summary>
internal sealed class PushIds
{
    internal const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    private readonly Lock _gate = new();
    private readonly int[] _lastRandom = new int[12];
    private long _lastTime = -1;

    public string Next(long nowMs)
    {
        Span<char> id = stackalloc char[20];
        lock (_gate)
        {
            // Never go back in time, so ids stay increasing even if the clock steps back.
            if (nowMs < _lastTime)
            {
                nowMs = _lastTime;
            }

            if (nowMs == _lastTime)
            {
                var i = 11;
                while (i >= 0 && _lastRandom[i] == 63)
                {
                    _lastRandom[i] = 0;
                    i--;
                }

                if (i < 0)
                {
                    // 72 bits exhausted within one millisecond: move to the next one.
                    nowMs++;
                    FillRandom();
                }
                else
                {
                    _lastRandom[i]++;
                }
            }
            else
            {
                FillRandom();
            }

            _lastTime = nowMs;
            var t = nowMs;
            for (var i = 7; i >= 0; i--)
            {
                id[i] = Alphabet[(int)(t % 64)];
                t /= 64;
            }

            for (var i = 0; i < 12; i++)
            {
                id[8 + i] = Alphabet[_lastRandom[i]];
            }
        }

        return new string(id);
    }

    private void FillRandom()
    {
        for (var i = 0; i < 12; i++)
        {
            _lastRandom[i] = Random.Shared.Next(64);
        }

        // Leave room to increment within the millisecond.
        _lastRandom[0] &= 31;
    }
}
