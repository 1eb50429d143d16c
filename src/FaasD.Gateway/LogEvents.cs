namespace FaasD.Gateway;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 100–999; the ranges of all assemblies are listed in
/// docs/architecture.md. The /system endpoint files still spell their ids in place (they are being reworked
/// into one route group); their ids are listed here so none is handed out twice.
/// </summary>
internal static class LogEvents
{
    // Auth/BasicAuthenticator.cs
    public const int NoCredentials = 100;
    public const int CredentialsRejected = 101;

    // Functions/FunctionsEndpoints.cs
    public const int FunctionDeployed = 200;
    public const int FunctionRemoved = 201;
    public const int FunctionScaled = 202;

    // Secrets/SecretsEndpoints.cs
    public const int SecretWritten = 300;
    public const int SecretRemoved = 301;

    // Namespaces/NamespacesEndpoints.cs
    public const int NamespaceChanged = 400;

    // Logs/LogsEndpoints.cs
    public const int LogSourceFailed = 500;

    // Invoke/FunctionProxy.cs
    public const int FunctionNotReady = 600;
    public const int UpstreamFailed = 601;
    public const int ClientFailed = 602;
    public const int InvocationCanceled = 603;

    // Invoke/InProcessInvoker.cs
    public const int InProcessInvocationFailed = 610;
}
