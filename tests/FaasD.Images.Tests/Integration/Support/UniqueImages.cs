using FaasD.TestSupport;
using FaasD.TestSupport.Images;

namespace FaasD.Images.Tests.Integration.Support;

/// <summary>The busybox httpd image plus one file of random content: a layer no containerd namespace has yet.</summary>
internal static class UniqueImages
{
    public static Task<TestImage> BuildAndPushAsync() =>
        TestImages.BuildAndPushAsync("unique", BusyboxHttpd.Contents().AddFile("/unique", TestEnvironment.UniqueSuffix()), BusyboxHttpd.Config);
}
