using System.Buffers.Binary;
using System.Security.Cryptography;

using RemoteCam.Relay.Persistence;

namespace RemoteCam.Relay.Storage;

/// <summary>
/// One object is one file: its bytes, then its metadata JSON, then the JSON's length (4 bytes,
/// little-endian) and the magic <c>RCSO1</c>. Bytes go to a temporary file while they arrive
/// (hashed on the way), the trailer is appended, the file is fsynced and renamed into place and
/// the directory fsynced: only then is the upload acknowledged, so an acknowledged object
/// survives a crash, and a crash before the rename leaves only a temporary file, removed at start.
/// </summary>
internal static class ObjectFile
{
    private static readonly byte[] Magic = "RCSO1"u8.ToArray();
    private const int TrailerTail = 4 + 5;
    private const int MaxMetadataBytes = 1024 * 1024;

    /// <summary>Reads the metadata of an object file; null when the file is not a complete object.</summary>
    public static ObjectMetadata? TryReadMetadata(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (file.Length < TrailerTail)
            {
                return null;
            }

            Span<byte> tail = stackalloc byte[TrailerTail];
            file.Position = file.Length - TrailerTail;
            file.ReadExactly(tail);
            if (!tail[4..].SequenceEqual(Magic))
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(tail);
            if (length <= 0 || length > MaxMetadataBytes || length > file.Length - TrailerTail)
            {
                return null;
            }

            var json = new byte[length];
            file.Position = file.Length - TrailerTail - length;
            file.ReadExactly(json);
            var metadata = ObjectMetadata.FromJson(json);
            return metadata.Size == file.Length - TrailerTail - length ? metadata : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Appends the trailer to a file holding exactly the object's bytes, then fsyncs it.</summary>
    public static void Seal(FileStream file, ObjectMetadata metadata)
    {
        var json = metadata.ToJson();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        file.Position = metadata.Size;
        file.Write(json);
        file.Write(length);
        file.Write(Magic);
        file.Flush(flushToDisk: true);
    }
}

/// <summary>
/// Bytes of an object on their way to disk: written to a file in the store's temporary folder
/// with CRC-32C and MD5 computed as they pass, bounded by the object size limit.
/// </summary>
internal sealed class IncomingBytes : IDisposable
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly long _maxBytes;
    private uint _crc = Crc32C.Start();
    private bool _kept;

    public IncomingBytes(string path, long maxBytes, bool append = false)
    {
        Path = path;
        _maxBytes = maxBytes;
        File = new FileStream(path, append ? FileMode.OpenOrCreate : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1, FileOptions.None);
        if (append && File.Length > 0)
        {
            // A session resumed after a restart: hash what is already there.
            var buffer = new byte[81920];
            int read;
            while ((read = File.Read(buffer)) > 0)
            {
                Hash(buffer.AsSpan(0, read));
            }
        }

        Length = File.Length;
        File.Position = Length;
    }

    public string Path { get; }

    public FileStream File { get; }

    public long Length { get; private set; }

    public uint Crc32c => Crc32C.Finish(_crc);

    /// <summary>Base64 MD5 of everything written so far (the hash state is kept going).</summary>
    public string Md5Base64 => Convert.ToBase64String(_md5.GetCurrentHash());

    /// <summary>Copies a request body in; false (stopping early) when the object would pass the size limit.</summary>
    public async Task<bool> CopyFromAsync(Stream body, long? skip, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            var toSkip = skip ?? 0;
            while (true)
            {
                var read = await body.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return true;
                }

                var chunk = buffer.AsMemory(0, read);
                if (toSkip > 0)
                {
                    var skipped = (int)Math.Min(toSkip, read);
                    toSkip -= skipped;
                    chunk = chunk[skipped..];
                }

                if (Length + chunk.Length > _maxBytes)
                {
                    return false;
                }

                await File.WriteAsync(chunk, cancellationToken);
                Hash(chunk.Span);
                Length += chunk.Length;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes what was written so far durable (a resumable chunk about to be acknowledged).</summary>
    public void FlushToDisk() => File.Flush(flushToDisk: true);

    /// <summary>The file is now the store's: it is not deleted on dispose.</summary>
    public void Keep() => _kept = true;

    private void Hash(ReadOnlySpan<byte> data)
    {
        _crc = Crc32C.Update(_crc, data);
        _md5.AppendData(data);
    }

    public void Dispose()
    {
        File.Dispose();
        _md5.Dispose();
        if (!_kept)
        {
            try
            {
                System.IO.File.Delete(Path);
            }
            catch (IOException)
            {
                // Removed at the next start.
            }
        }
    }
}
