namespace FaasD.Images.Distribution.Auth;

/// <summary>
/// What we authenticate to one registry with: a username and password, or an identity token (an OAuth refresh
/// token, which docker stores when a login returned one and which then wins over the password).
/// </summary>
public sealed record RegistryCredential(string? Username, string? Password, string? IdentityToken = null)
{
    public bool HasPassword => !string.IsNullOrEmpty(Username) && Password is not null;

    public bool HasIdentityToken => !string.IsNullOrEmpty(IdentityToken);

    /// <summary>Never print secrets, not even in a debugger or a log of a record.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Password = ***, IdentityToken = {(HasIdentityToken ? "***" : "none")} }}";
}
