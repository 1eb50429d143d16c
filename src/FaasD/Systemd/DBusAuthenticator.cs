using System.Globalization;
using System.Text;

namespace FaasD.Systemd;

/// <summary>
/// The SASL exchange that opens every D-Bus connection: a NUL byte, <c>AUTH EXTERNAL &lt;uid as hex of its
/// decimal ASCII&gt;</c>, the server's <c>OK &lt;guid&gt;</c>, then <c>BEGIN</c>. EXTERNAL lets the server check our
/// uid from the socket's credentials, so no secret travels.
/// </summary>
public static class DBusAuthenticator
{
    /// <summary>The AUTH line for a uid: uid 0 is "30" (the hex of ASCII '0').</summary>
    public static string AuthExternalLine(uint uid) =>
        "AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid.ToString(CultureInfo.InvariantCulture))) + "\r\n";

    public static async Task<string> AuthenticateAsync(Stream stream, uint uid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("\0" + AuthExternalLine(uid)), cancellationToken);
        var reply = await ReadLineAsync(stream, cancellationToken);
        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
        {
            throw new DBusProtocolException($"D-Bus authentication (EXTERNAL, uid {uid}) was refused: '{reply}'.");
        }

        await stream.WriteAsync("BEGIN\r\n"u8.ToArray(), cancellationToken);
        return reply[3..];
    }

    /// <summary>The effective uid, from /proc so no P/Invoke is needed ("Uid: real effective saved fs").</summary>
    public static uint EffectiveUid()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return uint.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }

    /// <summary>Byte by byte: the line ends at "\r\n" and nothing after it may be consumed.</summary>
    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length < 4096)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new DBusProtocolException("D-Bus peer closed the connection during authentication.");
            }

            if (one[0] == '\n' && line.Length > 0 && line[^1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }

            line.Append((char)one[0]);
        }

        throw new DBusProtocolException("D-Bus authentication line too long.");
    }
}
