using System.Net.Sockets;

namespace FaasD.Tests.Systemd.Journal;

/// <summary>A datagram socket standing in for /run/systemd/journal/socket, in a temp directory.</summary>
internal sealed class FakeJournal : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faasd-journal-").FullName;

    public FakeJournal(int receiveBufferBytes = 0)
    {
        Socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (receiveBufferBytes > 0)
        {
            Socket.ReceiveBufferSize = receiveBufferBytes;
        }

        Socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        Socket.ReceiveTimeout = 5000;
    }

    public Socket Socket { get; }

    public string SocketPath => Path.Combine(_directory, "socket");

    public byte[] Receive()
    {
        var buffer = new byte[1 << 20];
        var length = Socket.Receive(buffer);
        return buffer[..length];
    }

    public void Dispose()
    {
        Socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
