using Lamina.Server;

namespace Lamina.Cli.Tests.Otlp;

/// <summary>A <see cref="DeployFixture"/> server whose Telemetry:OtlpEndpoint points at an <see cref="OtlpReceiver"/> the fixture starts first.</summary>
public sealed class OtlpFixture : DeployFixture
{
    public OtlpReceiver Receiver { get; private set; } = null!;

    protected override void Configure(LaminaOptions options) =>
        options.Telemetry = new Server.Telemetry.TelemetryOptions { OtlpEndpoint = Receiver.BaseAddress.ToString(), ServiceName = "lamina-otlp-test" };

    public override async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}
