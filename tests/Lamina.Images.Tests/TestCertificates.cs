using System.Diagnostics;

namespace Lamina.Images.Tests;

/// <summary>Test CAs and server certificates made with the real openssl, as PEM files in a directory (shared by the TLS registry tests).</summary>
public static class TestCertificates
{
    /// <summary>Writes DIR/NAME.crt and DIR/NAME.key: a self-signed CA.</summary>
    public static string MakeCa(string dir, string name)
    {
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(dir, name + ".key"), "-out", Path.Combine(dir, name + ".crt"),
            "-days", "2", "-subj", "/CN=Lamina test " + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return Path.Combine(dir, name + ".crt");
    }

    /// <summary>Writes DIR/NAME.crt and DIR/NAME.key: an intermediate CA signed by the CA <paramref name="ca"/>.</summary>
    public static string MakeIntermediate(string dir, string ca, string name)
    {
        string P(string suffix) => Path.Combine(dir, name + suffix);
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", P(".key"), "-out", P(".csr"), "-subj", "/CN=Lamina test " + name);
        File.WriteAllText(P(".ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
        OpenSsl("x509", "-req", "-in", P(".csr"), "-CA", Path.Combine(dir, ca + ".crt"), "-CAkey", Path.Combine(dir, ca + ".key"), "-CAcreateserial",
            "-out", P(".crt"), "-days", "2", "-sha256", "-extfile", P(".ext"));
        return P(".crt");
    }

    /// <summary>Writes DIR/NAME.crt and DIR/NAME.key: a server certificate for IP 127.0.0.1 signed by the CA <paramref name="ca"/>.</summary>
    public static (string Certificate, string Key) MakeServer(string dir, string ca, string name)
    {
        string P(string suffix) => Path.Combine(dir, name + suffix);
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", P(".key"), "-out", P(".csr"), "-subj", "/CN=127.0.0.1");
        File.WriteAllText(P(".ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        OpenSsl("x509", "-req", "-in", P(".csr"), "-CA", Path.Combine(dir, ca + ".crt"), "-CAkey", Path.Combine(dir, ca + ".key"), "-CAcreateserial",
            "-out", P(".crt"), "-days", "2", "-sha256", "-extfile", P(".ext"));
        return (P(".crt"), P(".key"));
    }

    private static void OpenSsl(params string[] args)
    {
        const string Binary = "/usr/bin/openssl";
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is required for the TLS registry tests: apt-get install -y openssl");
        var psi = new ProcessStartInfo(Binary, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)}: {stderr.Result}");
    }
}
