namespace FaasD.Network.Pool;

/// <summary>
/// Gives a live named netns a second name by bind-mounting it, as <c>ip netns attach</c> would: the namespace, its veth and
/// its address stay exactly as CNI ADD left them; only the path changes. Removing the old name afterwards keeps the
/// namespace alive through the new mount.
/// </summary>
internal static class NetnsRebind
{
    public static void Bind(string existingPath, string newPath)
    {
        if (!NamedNetworkNamespaces.IsNamespace(existingPath))
        {
            throw new NetworkException($"pooled network namespace {existingPath} is gone");
        }

        using (File.Open(newPath, FileMode.OpenOrCreate, FileAccess.Read))
        {
        }

        if (Libc.mount(existingPath, newPath, "none", Libc.MountBind, 0) != 0)
        {
            var error = Libc.LastError().Text;
            File.Delete(newPath);
            throw new NetworkException($"cannot bind-mount {existingPath} onto {newPath}: {error}");
        }
    }
}
