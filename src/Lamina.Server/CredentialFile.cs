using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lamina.Aws;

namespace Lamina.Server;

/// <summary>
/// Loads the server's credentials from <c>DATA/credentials.json</c>, generating them on first start.
/// The file is created with mode 0600 before anything is written to it.
/// </summary>
public static class CredentialFile
{
    public const string FileName = "credentials.json";

    public static (Credentials Credentials, bool Created) LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize(File.ReadAllBytes(path), CredentialJson.Default.Credentials)
                ?? throw new InvalidDataException($"{path} is empty");
            return (existing, false);
        }
        var created = new Credentials(
            AccessKeyId: "LAMINA" + RandomString(14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            SecretAccessKey: RandomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            Region: "us-east-1",
            AccountId: "000000000000");
        var temp = path + ".tmp";
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temp, fileOptions))
        {
            JsonSerializer.Serialize(stream, created, CredentialJson.Default.Credentials);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return (created, true);
    }

    private static string RandomString(int length, string alphabet) =>
        string.Create(length, alphabet, static (span, alphabet) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Credentials))]
internal sealed partial class CredentialJson : JsonSerializerContext;
