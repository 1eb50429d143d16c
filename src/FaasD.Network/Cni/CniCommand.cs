namespace FaasD.Network.Cni;

/// <summary>The CNI_COMMAND values we send.</summary>
public static class CniCommand
{
    public const string Add = "ADD";
    public const string Check = "CHECK";
    public const string Del = "DEL";
}
