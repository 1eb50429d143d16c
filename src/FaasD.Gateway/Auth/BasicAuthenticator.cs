using System.Buffers.Text;
using System.Security.Cryptography;

namespace FaasD.Gateway.Auth;

/// <summary>
/// HTTP Basic auth as faas-provider does it, but with user and password both compared in constant time (over
/// SHA-256 digests, so neither length nor a matching prefix shows in the timing).
/// Every failure (no header, another scheme such as faas-cli's empty <c>Bearer </c>, wrong credentials)
/// answers 401 with <c>WWW-Authenticate: Basic realm="Restricted"</c> and the body <c>invalid credentials</c>.
/// </summary>
internal sealed partial class BasicAuthenticator
{
    private const int MaxDecodedLength = 1024;
    private static readonly byte[] s_unauthorizedBody = "invalid credentials"u8.ToArray();

    private readonly bool _enabled;
    private readonly byte[] _user;
    private readonly byte[] _password;
    private readonly byte[] _userDigest;
    private readonly byte[] _passwordDigest;
    private readonly ILogger<BasicAuthenticator> _logger;

    public BasicAuthenticator(IOptions<GatewayOptions> options, ILogger<BasicAuthenticator> logger)
    {
        var value = options.Value;
        _enabled = value.BasicAuthEnabled;
        _user = Encoding.UTF8.GetBytes(value.BasicAuthUser?.Trim() ?? "");
        _password = Encoding.UTF8.GetBytes(value.BasicAuthPassword?.Trim() ?? "");
        _userDigest = SHA256.HashData(_user);
        _passwordDigest = SHA256.HashData(_password);
        _logger = logger;
        if (_enabled && (_user.Length == 0 || _password.Length == 0))
        {
            Log.NoCredentials(logger);
        }
    }

    /// <summary>
    /// Wraps one endpoint so it runs only for an authenticated caller. Routes under <c>/system</c> get this from
    /// the route group's filter (<see cref="Http.SystemRouteGroup"/>); this stays for endpoints mapped elsewhere.
    /// </summary>
    public RequestDelegate Require(RequestDelegate next) => context =>
        IsAuthorized(context.Request) ? next(context) : WriteUnauthorizedAsync(context);

    public bool IsAuthorized(HttpRequest request)
    {
        if (!_enabled)
        {
            return true;
        }

        if (_user.Length == 0 || _password.Length == 0)
        {
            return false;
        }

        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value)
        {
            return false;
        }

        const string Scheme = "Basic ";
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var ok = Check(value.AsSpan(Scheme.Length).Trim());
        if (!ok)
        {
            Log.Rejected(_logger, request.Path.Value ?? "");
        }

        return ok;
    }

    private bool Check(ReadOnlySpan<char> base64)
    {
        if (base64.Length == 0 || base64.Length > MaxDecodedLength * 4 / 3 + 4)
        {
            return false;
        }

        Span<byte> encoded = stackalloc byte[base64.Length];
        for (var i = 0; i < base64.Length; i++)
        {
            if (base64[i] > 0x7F)
            {
                return false;
            }

            encoded[i] = (byte)base64[i];
        }

        Span<byte> decoded = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (Base64.DecodeFromUtf8(encoded, decoded, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        decoded = decoded[..written];
        var colon = decoded.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        var userOk = FixedTimeEqualsDigest(decoded[..colon], _userDigest);
        var passwordOk = FixedTimeEqualsDigest(decoded[(colon + 1)..], _passwordDigest);
        return userOk & passwordOk;
    }

    /// <summary>Compares digests, not the values: equal time whatever the length or common prefix of the guess.</summary>
    private static bool FixedTimeEqualsDigest(ReadOnlySpan<byte> candidate, ReadOnlySpan<byte> expectedDigest)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(candidate, digest);
        return CryptographicOperations.FixedTimeEquals(digest, expectedDigest);
    }

    internal static Task WriteUnauthorizedAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"Restricted\"";
        return response.Body.WriteAsync(s_unauthorizedBody, context.RequestAborted).AsTask();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NoCredentials, Level = LogLevel.Warning,
            Message = "Basic auth is enabled but no user or password is configured: every /system request will be refused")]
        public static partial void NoCredentials(ILogger logger);

        [LoggerMessage(EventId = LogEvents.CredentialsRejected, Level = LogLevel.Information, Message = "Rejected basic-auth credentials for {Path}")] public static partial void Rejected(ILogger logger, string path);
    }
}
