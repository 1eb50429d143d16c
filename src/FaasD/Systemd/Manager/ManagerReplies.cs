namespace FaasD.Systemd.Manager;

/// <summary>Readers for the reply and signal bodies we use, each in the signature systemd's API documents.</summary>
internal static class ManagerReplies
{
    /// <summary>"o": StartUnit/RestartUnit (the job) and GetUnit (the unit).</summary>
    public static string ObjectPath(Message message, object? state) => message.GetBodyReader().ReadObjectPathAsString();

    /// <summary>"v" holding "s": Properties.Get of a string property.</summary>
    public static string StringVariant(Message message, object? state) => message.GetBodyReader().ReadVariantValue().GetString();

    /// <summary>"ba(sss)": carries_install_info, then (type, file name, destination) per change.</summary>
    public static IReadOnlyList<UnitFileChange> EnableUnitFiles(Message message, object? state)
    {
        var reader = message.GetBodyReader();
        reader.ReadBool();
        var changes = new List<UnitFileChange>();
        var end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            changes.Add(new UnitFileChange(reader.ReadString(), reader.ReadString(), reader.ReadString()));
        }

        return changes;
    }

    /// <summary>JobRemoved "uoss": id, job path, unit name, result.</summary>
    public static JobRemoved JobRemoved(Message message, object? state)
    {
        var reader = message.GetBodyReader();
        var id = reader.ReadUInt32();
        return new JobRemoved(id, reader.ReadObjectPathAsString(), reader.ReadString(), reader.ReadString());
    }
}

/// <summary>The body of systemd's JobRemoved signal.</summary>
internal readonly record struct JobRemoved(uint Id, string JobPath, string Unit, string Result);
