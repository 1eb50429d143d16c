namespace FaasD.Watchdog;

internal static class Program
{
    public static int Main() => 0;
}
