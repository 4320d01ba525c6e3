using System.Buffers.Binary;
using System.Numerics;

namespace RemoteCam.Relay.Persistence;

/// <summary>
/// CRC-32C (Castagnoli). System.IO.Hashing is not referenced, but BitOperations.Crc32C is in the
/// BCL and uses the SSE4.2/ARMv8 instructions when present (software table otherwise).
/// </summary>
internal static class Crc32C
{
    private const uint Seed = 0xFFFFFFFFu;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start(), data));

    public static uint Start() => Seed;

    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }

    public static uint Finish(uint state) => ~state;
}
